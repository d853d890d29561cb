export * from './value-spec.js';
export * from './check-value.js';
export * from './option-table.js';
export * from './option-names.js';
export * from './resolve-options.js';
export * from './form-fields.js';
export * from './option-text.js';
