/**
 * JSON schemas (the OpenAPI 3.0 subset the API uses) that also carry, as a type, the values they
 * describe. A response built as `checked(X, { … })` cannot drift from the schema X that
 * /openapi.json publishes: the compiler checks the value against the schema's type.
 */
export type Schema<T = unknown> = Readonly<Record<string, unknown>> & { readonly __value?: T };
export type SchemaValue<S> = S extends Schema<infer T> ? T : never;

/** Words and limits that go with a schema: description, minimum, format… (never its type). */
type Extra = Readonly<Record<string, unknown>>;

export const integer = (extra: Extra = {}): Schema<number> => ({ type: 'integer', ...extra });
export const number = (extra: Extra = {}): Schema<number> => ({ type: 'number', ...extra });
export const string = (extra: Extra = {}): Schema<string> => ({ type: 'string', ...extra });
export const boolean = (extra: Extra = {}): Schema<boolean> => ({ type: 'boolean', ...extra });

/** One of the given strings (a literal union as its value type). */
export const oneOf = <T extends string>(values: readonly T[], extra: Extra = {}): Schema<T> => ({ type: 'string', enum: [...values], ...extra });

export const nullable = <T>(schema: Schema<T>, extra: Extra = {}): Schema<T | null> => ({ ...schema, nullable: true, ...extra }) as Schema<T | null>;

export const array = <T>(items: Schema<T>, extra: Extra = {}): Schema<readonly T[]> => ({ type: 'array', items, ...extra });

/** An object whose values all have one schema (timings by stage name). */
export const record = <T>(values: Schema<T>, extra: Extra = {}): Schema<Readonly<Record<string, T>>> => ({ type: 'object', additionalProperties: values, ...extra });

/** An object described only in words: its value type is left open. */
export const anyObject = (extra: Extra = {}): Schema<unknown> => ({ type: 'object', ...extra });

type Properties = Readonly<Record<string, Schema>>;
type ObjectValue<P extends Properties, R extends keyof P> = { readonly [K in R]: SchemaValue<P[K]> } & { readonly [K in Exclude<keyof P, R>]?: SchemaValue<P[K]> };

/** An object with named properties; those in `required` must be there, the others may be. */
export function object<P extends Properties, R extends keyof P & string = never>(properties: P, required: readonly R[] = [], extra: Extra = {}): Schema<ObjectValue<P, R>> {
  return { type: 'object', ...(required.length > 0 ? { required: [...required] } : {}), properties, ...extra };
}

/** A named schema of #/components/schemas, referred to by name. */
export const ref = <T>(name: string, _schema: Schema<T>): Schema<T> => ({ $ref: `#/components/schemas/${name}` });

/** The value as it is, once the compiler has seen that it fits the schema (no run-time cost). */
export function checked<T, V extends T>(_schema: Schema<T>, value: V): V {
  return value;
}
