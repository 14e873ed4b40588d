import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationFailedError } from '#libs/common';

interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** A body that is not a JSON object (an array, a string, null) is one problem, not one per field. */
class JsonObjectValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new ValidationFailedError('request body must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

/** Whitelisting validation: unknown fields, wrong types and missing fields are a 400 that names them. */
export function createValidationPipe(): ValidationPipe {
  return new JsonObjectValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const message = details.length > 0 ? details.map((d) => d.problems.join(', ')).join('; ') : 'request body must be a JSON object';
      return new ValidationFailedError(message, details);
    },
  });
}
