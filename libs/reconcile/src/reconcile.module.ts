import { Module } from '@nestjs/common';
import { ReconcileRepository } from './reconcile.repository.js';
import { ReconcilerService } from './reconciler.service.js';

@Module({ providers: [ReconcileRepository, ReconcilerService], exports: [ReconcilerService] })
export class ReconcileModule {}
