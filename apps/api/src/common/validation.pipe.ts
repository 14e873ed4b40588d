import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidatorOptions } from 'class-validator';
import { closestName, ValidationFailedError } from '#libs/common';

interface FieldProblem {
  field: string;
  problems: string[];
}

/** Checks that say what kind of value a field takes. When one fails, the field's other rules
 * (lengths, sizes, patterns) only repeat the problem, so it is reported alone. */
const KIND_CHECKS = new Set(['isString', 'isArray', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'isIn', 'isEnum', 'isUUID', 'isISO8601', 'isDateString']);
const UNKNOWN = 'whitelistValidation';

/** The names a DTO accepts (those with validation rules): what "did you mean" chooses from. */
function knownNames(target: object | undefined): string[] {
  if (!target) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/** One message per problem: a missing field is "x is required"; a value of the wrong kind gets that
 * rule's message only; an unknown name is named, with the known name it most likely misspells. */
function describe(errors: ValidationError[], noun: string, parent = ''): { fields: FieldProblem[]; unknown: FieldProblem[] } {
  const fields: FieldProblem[] = [];
  const unknown: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const constraints = e.constraints ?? {};
    if (UNKNOWN in constraints) {
      const suggestion = closestName(e.property, knownNames(e.target));
      unknown.push({ field, problems: [`unknown ${noun} ${field}${suggestion ? ` (did you mean ${parent ? `${parent}.` : ''}${suggestion}?)` : ''}`] });
    } else if (Object.keys(constraints).length > 0) {
      // Decorators apply bottom-up, so the constraints come in reverse order of the source.
      const declared = Object.keys(constraints).reverse();
      const kind = declared.find((k) => KIND_CHECKS.has(k));
      const problems = e.value === undefined ? [`${field} is required`] : kind ? [constraints[kind]!] : declared.map((k) => constraints[k]!);
      fields.push({ field, problems });
    }
    const nested = describe(e.children ?? [], noun, field);
    fields.push(...nested.fields);
    unknown.push(...nested.unknown);
  }
  return { fields, unknown };
}

/** Carries class-validator's errors from the exception factory to `transform`, which knows whether
 * they are about a body's properties or a query's parameters. */
class FieldErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/** A lone surrogate: `isWellFormed` (native, ES2024) where Node has it. */
const illFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: () => boolean }).isWellFormed === 'function'
    ? (s) => !(s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => /\p{Cs}/u.test(s);

/** The first string (key or value) in `value` that is not well-formed Unicode, as a path. */
function illFormedAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return illFormed(value) ? path || 'body' : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = `${path ? `${path}.` : ''}${illFormed(k) ? '?' : k}`;
    if (illFormed(k)) return at;
    const found = illFormedAt(v, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Checks that come before field validation: a body that is not a JSON object (an array, a string,
 * null) is one problem, not one per field; text that is not well-formed Unicode (a lone surrogate)
 * cannot be stored or signed faithfully, so it is a 400 wherever it appears, event data included. */
/** Hot routes' bodies checked by plain code: `accept` returns the DTO instance when the body is
 * certainly valid, or undefined to leave it to class-validator, which then says what is wrong in its
 * usual words. So the fast path may only ever accept what the DTO's rules accept (a test holds it to
 * that); the messages do not depend on it. */
const FAST_PATHS = new Map<Function, (value: Record<string, unknown>) => object | undefined>();

export function registerFastPath<T extends object>(cls: new () => T, accept: (value: Record<string, unknown>) => T | undefined): void {
  FAST_PATHS.set(cls, accept);
}

/** The fast path's verdict on a body (for tests): the instance, or undefined (class-validator decides). */
export function fastPathAccepts(cls: Function, value: Record<string, unknown>): object | undefined {
  return FAST_PATHS.get(cls)?.(value);
}

class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && !isJsonObject(value)) throw new ValidationFailedError('request body must be a JSON object');
    if (metadata.type === 'body' || metadata.type === 'query') {
      // A body whose items stand alone (a batch) has them checked one by one by its handler.
      const itemsField = (metadata.metatype as { itemsField?: string } | undefined)?.itemsField;
      const at = illFormedAt(itemsField && isJsonObject(value) ? { ...value, [itemsField]: undefined } : value, '');
      if (at) throw new ValidationFailedError(`${at} contains text that is not valid Unicode (a lone surrogate)`);
    }
    const fast = metadata.type === 'body' && metadata.metatype ? FAST_PATHS.get(metadata.metatype)?.(value as Record<string, unknown>) : undefined;
    if (fast) return fast;
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof FieldErrors)) throw err;
      throw toValidationError(err.errors, metadata.type === 'query' ? 'query parameter' : 'property');
    }
  }
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toValidationError(errors: ValidationError[], noun: string): ValidationFailedError {
  const { fields, unknown } = describe(errors, noun);
  const details = [...fields, ...unknown];
  const message = details.length > 0 ? details.map((d) => d.problems.join('; ')).join('; ') : 'request body must be a JSON object';
  return new ValidationFailedError(message, details);
}

/** The errors keep their target and value for `describe` (which DTO, whether the field was sent);
 * neither reaches the response. */
const VALIDATOR_OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: true, value: true } };

/** Whitelisting validation: unknown fields, wrong types and missing fields are a 400 that names them. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({ ...VALIDATOR_OPTIONS, transform: true, exceptionFactory: (errors) => new FieldErrors(errors) });
}

/** One item of a batch, held to exactly the rules the pipe applies to a whole body of that DTO:
 * the instance, or the 400 it would have been. */
export async function validateItem<T extends object>(cls: new () => T, item: unknown): Promise<T | ValidationFailedError> {
  if (!isJsonObject(item)) return new ValidationFailedError('each item must be a JSON object');
  const at = illFormedAt(item, '');
  if (at) return new ValidationFailedError(`${at} contains text that is not valid Unicode (a lone surrogate)`);
  const fast = FAST_PATHS.get(cls)?.(item);
  if (fast) return fast as T;
  const instance = plainToInstance(cls, item);
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  return errors.length > 0 ? toValidationError(errors, 'property') : instance;
}
