/**
 * Every script's --help writes defaults one way, "(default 10)": not commander's quoted "(default: "10")"
 * beside the scripts' own "(default 300)", never twice for one option, and never as this machine's absolute
 * path. Each script is loaded in-process with --help on its command line: it prints its help and runs nothing.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SCRIPTS = readdirSync(join(ROOT, 'scripts')).filter((f) => f.endsWith('.ts'));

function helpOf(script: string): string {
  const out: string[] = [];
  const saved = { argv: process.argv, exitCode: process.exitCode };
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  try {
    process.argv = [process.execPath, join(ROOT, 'scripts', script), '--help'];
    jest.isolateModules(() => require(join(ROOT, 'scripts', script)));
  } finally {
    write.mockRestore();
    process.argv = saved.argv;
    process.exitCode = saved.exitCode;
  }
  return out.join('');
}

test.each(SCRIPTS)('%s --help writes each default once, the same way, with no absolute path', (script) => {
  const help = helpOf(script);
  expect(help).toContain('Options:');
  expect(help).not.toMatch(/\(default: /);
  expect(help).not.toContain(ROOT);
  // One option's help runs from its flag to the next option's line.
  const options = help.slice(help.indexOf('Options:')).split(/\n(?=  -)/);
  expect(options.filter((o) => (o.match(/\(default\b/g)?.length ?? 0) > 1)).toEqual([]);
});
