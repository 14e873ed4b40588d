import { SetMetadata } from '@nestjs/common';
import type { JobName } from './jobs.js';

export const HANDLES_JOB = Symbol('HANDLES_JOB');

/** Marks a processor as the handler of these job names, all of its queue (checked against the catalogue at start-up). */
export const HandlesJob = (...names: JobName[]) => SetMetadata(HANDLES_JOB, names);
