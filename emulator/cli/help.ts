/** The help texts, made from the command table. */
import { COMMANDS, type OptionSpec } from './options'

function optionLine(name: string, spec: OptionSpec): string[] {
  const flag = `--${name}${spec.value ? ` ${spec.value}` : ''}`
  const notes = [spec.choices ? `one of ${spec.choices.join(', ')}` : '', spec.default !== undefined && spec.type === 'string' ? `default ${spec.default}` : ''].filter(Boolean)
  const lines = [`  ${flag.padEnd(26)} ${spec.description}${notes.length ? ` (${notes.join('; ')})` : ''}`]
  if (spec.example) lines.push(`  ${''.padEnd(26)} e.g. ${spec.example}`)
  return lines
}

/** `mpcloud --help`. */
export function mainHelp(version: string): string {
  const commands = Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(12)} ${spec.summary}`)
  return [
    `mpcloud ${version}: the local cloud for mini program cloud development`,
    '',
    'Usage: mpcloud <command> [options]',
    '',
    'Commands:',
    ...commands,
    '',
    'Options:',
    '  --help                     show this help, or a command\'s with `mpcloud <command> --help`',
    '  --version                  print the version',
    '',
    `Start with: npx mpcloud emulator --help`,
  ].join('\n')
}

/** `mpcloud <command> --help`. */
export function commandHelp(name: string): string {
  const command = COMMANDS[name]!
  return [
    `mpcloud ${name}: ${command.summary}`,
    '',
    `Usage: mpcloud ${name}${(command.arguments || []).map((word) => (word.required ? ` <${word.name}>` : ` [<${word.name}>]`)).join('')} [options]`,
    '',
    ...(command.arguments ? ['Arguments:', ...command.arguments.map((word) => `  ${`<${word.name}>`.padEnd(26)} ${word.description}${word.required ? '' : ' (optional)'}`), ''] : []),
    'Options:',
    ...Object.entries(command.options).flatMap(([option, spec]) => optionLine(option, spec)),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
  ].join('\n')
}
