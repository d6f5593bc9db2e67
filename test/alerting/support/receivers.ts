import http, { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { makeEvent } from '../../support/events';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedRequest[];
  /** status (default 200) and, optionally, body to answer the next requests with */
  respondWith(status: number, body?: string): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that records every request (the test allow-lists 127.0.0.1). */
export async function startWebhookReceiver(path = '/hook'): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  let status = 200;
  let answer: string | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(answer ?? (status < 300 ? 'ok' : 'nope'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respondWith: (next, body) => {
      status = next;
      answer = body;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP sink (smtp-server), no TLS, no auth: what nodemailer hands over is recorded. */
export async function startSmtpSink(): Promise<{
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const UNION_ATTACK = "Mozilla/5.0' UNION SELECT password FROM users--";
export const STACKED_ATTACK = "x'; drop table users; --";

export function viewerId(): string {
  return `v-alert-${randomBytes(5).toString('hex')}`;
}

/** A playback event whose user agent carries an attack: reception records a security finding for it. */
export function attackEvent(userId: string, userAgent = UNION_ATTACK, at = new Date()): Record<string, any> {
  return makeEvent('playback.started', {
    userId,
    userAgent,
    eventId: randomUUID(),
    occurredAt: at.toISOString(),
  });
}

export async function ingestKey(app: INestApplication, adminToken: string): Promise<string> {
  const res = await request(app.getHttpServer())
    .post('/api/v1/admin/api-keys')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ name: `alerting e2e ${randomBytes(3).toString('hex')}` })
    .expect(201);
  return res.body.key;
}
