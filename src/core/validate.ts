import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { invalid } from './errors.js';

const cache = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** Checks a value against a schema and throws INVALID_REQUEST naming the first bad field. */
export function validate<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  let check = cache.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    cache.set(schema, check);
  }
  if (check.Check(value)) return value as Static<T>;
  const first = check.Errors(value).First();
  const path = first?.path ? first.path.replace(/^\//, '').replace(/\//g, '.') : '';
  throw invalid(`${what}${path ? ` field '${path}'` : ''}: ${first?.message ?? 'is invalid'}`, { field: path || undefined });
}
