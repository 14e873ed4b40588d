import { Module } from '@nestjs/common';
import { Clock } from '#libs/common';
import { RecoveryRepository } from './recovery.repository.js';
import { RecoveryService } from './recovery.service.js';
import { RecoveryWalker } from './recovery-walker.js';
import { RedeliveryRepository } from './redelivery.repository.js';
import { RedeliveryService } from './redelivery.service.js';

/** Sending again: resend and replay (API), recoveries (API starts them, the worker walks them). */
@Module({
  providers: [Clock, RedeliveryRepository, RedeliveryService, RecoveryRepository, RecoveryService, RecoveryWalker],
  exports: [RedeliveryService, RecoveryService, RecoveryWalker],
})
export class RedeliveryModule {}
