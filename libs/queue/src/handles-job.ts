import { SetMetadata } from '@nestjs/common';
import type { JobName } from './jobs.js';

export const HANDLES_JOB = Symbol('HANDLES_JOB');

/** Marks a processor as the handler of one job name (checked against the catalogue at start-up). */
export const HandlesJob = (name: JobName) => SetMetadata(HANDLES_JOB, name);
