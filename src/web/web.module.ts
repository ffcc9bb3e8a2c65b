import { Module } from '@nestjs/common';
import { DashboardServer } from './dashboard.server.js';

/** The web dashboard (`web/`, built into `web/dist`), served at `/`. */
@Module({ providers: [DashboardServer] })
export class WebModule {}
