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

const LONE_SURROGATE = /\p{Cs}/u;

/** The first string (key or value) in `value` that is not well-formed Unicode, as a path. */
function illFormedAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path || 'body' : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = `${path ? `${path}.` : ''}${LONE_SURROGATE.test(k) ? '?' : k}`;
    if (LONE_SURROGATE.test(k)) return at;
    const found = illFormedAt(v, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Checks that come before field validation: a body that is not a JSON object (an array, a string,
 * null) is one problem, not one per field; text that is not well-formed Unicode (a lone surrogate)
 * cannot be stored or signed faithfully, so it is a 400 wherever it appears, event data included. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new ValidationFailedError('request body must be a JSON object');
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const at = illFormedAt(value, '');
      if (at) throw new ValidationFailedError(`${at} contains text that is not valid Unicode (a lone surrogate)`);
    }
    return super.transform(value, metadata);
  }
}

/** Whitelisting validation: unknown fields, wrong types and missing fields are a 400 that names them. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
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
