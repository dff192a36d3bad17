/** Block Kit as readable terminal text: header, sections and fields, context, buttons with their links. */

type Json = Record<string, unknown>;

export interface TerminalStyle {
  bold(text: string): string;
  dim(text: string): string;
}

export const PLAIN: TerminalStyle = { bold: (text) => text, dim: (text) => text };
export const ANSI: TerminalStyle = {
  bold: (text) => `\x1b[1m${text}\x1b[22m`,
  dim: (text) => `\x1b[2m${text}\x1b[22m`,
};

function mrkdwn(text: string, style: TerminalStyle): string {
  return text
    .replace(/<([^|>]+)\|([^>]+)>/g, (_match, url: string, label: string) => `${label} (${url})`)
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(
      /(^|[\s(])\*([^*\n]+)\*/g,
      (_match, before: string, inner: string) => `${before}${style.bold(inner)}`,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const textOf = (node: unknown): string =>
  typeof node === 'object' && node !== null ? String((node as Json).text ?? '') : '';

export function renderSlackPayload(payload: unknown, style: TerminalStyle = PLAIN, indent = '  │ '): string {
  const body = (payload ?? {}) as Json;
  const blocks = [
    ...((body.blocks as Json[] | undefined) ?? []),
    ...((body.attachments as Json[] | undefined) ?? []).flatMap(
      (attachment) => (attachment.blocks as Json[] | undefined) ?? [],
    ),
  ];
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'header':
        lines.push(style.bold(textOf(block.text)));
        break;
      case 'section':
        if (block.text) lines.push(...mrkdwn(textOf(block.text), style).split('\n'));
        for (const field of (block.fields as Json[] | undefined) ?? []) {
          // A field is "*Label*\nvalue": one line reads better in a terminal.
          const [label = '', ...value] = mrkdwn(textOf(field), style).split('\n');
          lines.push(`  ${label}${value.length ? `: ${value.join(' ')}` : ''}`);
        }
        break;
      case 'context':
        lines.push(
          style.dim(
            ((block.elements as Json[] | undefined) ?? [])
              .map((element) => mrkdwn(textOf(element), PLAIN))
              .join('  ·  '),
          ),
        );
        break;
      case 'divider':
        lines.push(style.dim('─'.repeat(40)));
        break;
      case 'actions':
        for (const element of (block.elements as Json[] | undefined) ?? [])
          lines.push(`[${textOf(element.text)}]${element.url ? ` ${String(element.url)}` : ''}`);
        break;
      case 'rich_text':
        break;
      default:
        if (block.text) lines.push(mrkdwn(textOf(block.text), style));
    }
  }
  if (lines.length === 0 && typeof body.text === 'string')
    lines.push(...mrkdwn(body.text, style).split('\n'));
  return lines.map((line) => `${indent}${line}`).join('\n');
}
