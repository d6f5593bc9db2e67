import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { findUnsafeText } from './text-input';
import { validationException } from './validation';

const BODY_TEXT_CHECKED_PER_ITEM = 'text-input:body-checked-per-item';

/**
 * For a handler whose body is a list of independent items (an event batch): the handler applies the text
 * rule to each item itself, so one bad item is rejected alone while the others are accepted.
 */
export const BodyTextCheckedPerItem = () => SetMetadata(BODY_TEXT_CHECKED_PER_ITEM, true);

/**
 * Applies the text rule (text-input.ts) to every route's path parameters, query and JSON body, after
 * authentication and before any pipe or validator sees the values: a 400 naming each offending field.
 */
@Injectable()
export class TextInputInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const findings = [...findUnsafeText(req.params), ...findUnsafeText(req.query)];
    if (!this.reflector.get<boolean | undefined>(BODY_TEXT_CHECKED_PER_ITEM, context.getHandler())) {
      findings.push(...findUnsafeText(req.body));
    }
    if (findings.length > 0) throw validationException(findings);
    return next.handle();
  }
}
