/**
 * Prints the README's configuration table from the one list of settings (shared/config/settings.ts) and
 * the stage parameters that feed them in serverless.yml, so the documentation cannot drift from the code.
 * Usage: node --import tsx scripts/settings-table.ts
 */
import { readFileSync } from 'node:fs';
import { SETTINGS } from '../shared/config/settings';

export function settingsTable(serverlessYml: string): string {
  const rows = ['| Stage parameter | Environment variable | Default | Meaning |', '|---|---|---|---|'];
  for (const spec of Object.values(SETTINGS)) {
    const line = environmentValue(serverlessYml, spec.env);
    const param = /\$\{param:([A-Za-z0-9]+)\}/.exec(line)?.[1];
    const source = param ? `\`${param}\`` : line ? '(set by the stack)' : '(local mode only)';
    const stackDefault = param ? stageDefault(serverlessYml, param) : undefined;
    const fallback =
      stackDefault !== undefined
        ? stackDefault === ''
          ? '(empty)'
          : `\`${stackDefault}\``
        : 'required' in spec && spec.required
          ? '**required**'
          : 'default' in spec && spec.default !== ''
            ? `\`${spec.default}\``
            : '(empty)';
    rows.push(`| ${source} | \`${spec.env}\` | ${fallback} | ${spec.meaning.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}

/** A stage parameter's value under params.default; undefined when it has none (required at deploy). */
function stageDefault(yml: string, param: string): string | undefined {
  const block = yml.slice(yml.indexOf('params:'), yml.indexOf('\ncustom:'));
  const line = block.split('\n').find((l) => l.trim().startsWith(`${param}:`));
  if (!line) return undefined;
  return line
    .slice(line.indexOf(':') + 1)
    .trim()
    .replace(/^["']|["']$/g, '');
}

/** The value of one provider.environment entry, continuation lines and one level of ${self:custom.x} included. */
function environmentValue(yml: string, name: string): string {
  const lines = yml.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith(`${name}:`));
  if (start < 0) return '';
  const indent = (lines[start] ?? '').search(/\S/);
  let value = lines[start] ?? '';
  for (const next of lines.slice(start + 1)) {
    if (next.search(/\S/) <= indent) break;
    value += next;
  }
  return value.replace(/\$\{self:custom\.([A-Za-z0-9]+)\}/g, (whole, key: string) => {
    const custom = lines.find((l) => l.trim().startsWith(`${key}:`) && l.includes('${'));
    return custom ? custom.slice(custom.indexOf(':') + 1) : whole;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(settingsTable(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8')));
}
