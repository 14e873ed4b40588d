import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid, NotFoundError } from '#libs/common';

/** A path id that is not one of ours names nothing: 404, as for an unknown id. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  constructor(private readonly resource: string) {}

  transform(value: string): string {
    if (!isUuid(value)) throw new NotFoundError(this.resource);
    return value.toLowerCase();
  }
}
