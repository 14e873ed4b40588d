import { Module } from '@nestjs/common';
import { Clock } from '#libs/common';
import { EndpointSecretCipher } from '#libs/endpoints';
import { AdminDeliveryLogRepository } from './admin-delivery-log.repository.js';
import { DeliveryLogRepository } from './delivery-log.repository.js';
import { AttemptLoader } from './attempt-loader.js';
import { AttemptRecorder } from './attempt-recorder.js';
import { AttemptSlots } from './attempt-slots.js';
import { BatchCollector } from './batch-collector.js';
import { DeliveryRepository } from './delivery.repository.js';
import { DeliveryService } from './delivery.service.js';
import { EndpointAdmission } from './endpoint-admission.js';
import { EndpointGate } from './endpoint-gate.js';
import { RequestBuilder } from './request-builder.js';
import { WebhookSender } from './webhook-sender.js';

@Module({
  providers: [
    Clock,
    EndpointSecretCipher,
    AttemptLoader,
    AttemptRecorder,
    AttemptSlots,
    BatchCollector,
    DeliveryRepository,
    DeliveryService,
    EndpointAdmission,
    EndpointGate,
    RequestBuilder,
    WebhookSender,
    DeliveryLogRepository,
    AdminDeliveryLogRepository,
  ],
  exports: [DeliveryService, DeliveryLogRepository, AdminDeliveryLogRepository, AttemptSlots],
})
export class DeliveryModule {}
