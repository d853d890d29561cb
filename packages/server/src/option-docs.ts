import { defaultText, optionNames, optionSpec, PORTRAIT_OPTION_KEYS, rangeText } from '@facecraft/core';

/**
 * The README's options table, from the core's option table: each option's spelling on every
 * surface, its values and default, and what it does (`pnpm readme` writes it).
 */
export function optionsTableMarkdown(): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const code = (s: string) => `\`${s}\``;
  const rows = PORTRAIT_OPTION_KEYS.filter((key) => optionSpec(key).exposed).map((key) => {
    const spec = optionSpec(key);
    const names = optionNames(key);
    const field = spec.type === 'color' ? `${names.field}_r/_g/_b` : names.field;
    const flags = spec.type === 'boolean' ? [names.flag, `--no-${names.flag.slice(2)}`, ...names.legacyFlags] : [names.flag, ...names.legacyFlags];
    const env = spec.type === 'color' ? `${names.env}_R/_G/_B` : names.env;
    const values = `${rangeText(spec)}${spec.unit ? ` (${spec.unit})` : ''}`;
    return `| ${code(field)} | ${code(key)} | ${flags.map(code).join(' ')} | ${spec.envDefault ? code(env) : '–'} | ${escape(values)} | ${code(defaultText(spec))} | ${escape(spec.description)} |`;
  });
  return ['| HTTP field | library | command line | server default from | values | default | description |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
