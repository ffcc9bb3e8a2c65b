import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AppConfig } from '../config/app-config.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialsGuard } from './credentials.guard.js';
import { JWT_ALGORITHM, JwtStrategy } from './jwt.strategy.js';
import { PasswordHasher } from './password-hasher.js';
import { QuotaModule } from './quota.module.js';
import { SessionPruner } from './session-pruner.js';
import { SessionTokens } from './session-tokens.js';

@Module({
  imports: [
    PassportModule,
    QuotaModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: {
          algorithm: JWT_ALGORITHM,
          issuer: config.auth.issuer,
          audience: config.auth.audience,
          expiresIn: config.auth.ttlSeconds,
        },
        verifyOptions: {
          algorithms: [JWT_ALGORITHM],
          issuer: config.auth.issuer,
          audience: config.auth.audience,
        },
      }),
    }),
  ],
  controllers: [AuthController, ApiKeysController],
  providers: [
    AuthService,
    SessionTokens,
    ApiKeysService,
    PasswordHasher,
    JwtStrategy,
    SessionPruner,
    { provide: APP_GUARD, useClass: CredentialsGuard },
  ],
  exports: [SessionTokens],
})
export class AuthModule {}
