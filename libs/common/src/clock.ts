import { Injectable } from '@nestjs/common';

/** Time and randomness sit behind this class so tests can pin them. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
  random(): number {
    return Math.random();
  }
}
