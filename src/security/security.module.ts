import { Module } from '@nestjs/common';
import { AdminBootstrap } from './admin-bootstrap.service';
import { PasswordHasher } from './password-hasher';

@Module({
  providers: [PasswordHasher, AdminBootstrap],
  exports: [PasswordHasher],
})
export class SecurityModule {}
