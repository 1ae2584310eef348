/**
 * Reads a secret without putting it on the command line (where `ps` and shell
 * history would keep it): typed at a prompt without echo on a terminal, or
 * the first line of piped stdin (`pass rouge | rouge login ...`).
 */
export function readSecret(prompt: string): Promise<string> {
  return process.stdin.isTTY ? readHidden(prompt) : readFirstLine();
}

function readFirstLine(): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let buf = '';
    const finish = () => {
      stdin.off('data', onData).off('end', finish).off('error', reject);
      stdin.pause();
      resolve((buf.split(/\r?\n/)[0] ?? '').trim());
    };
    const onData = (chunk: string) => {
      buf += chunk;
      if (buf.includes('\n')) finish();
    };
    stdin.setEncoding('utf8');
    stdin.on('data', onData).on('end', finish).on('error', reject);
  });
}

// Raw mode turns echo off; the characters are collected by hand instead.
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let buf = '';
    const restore = () => {
      stdin.setRawMode(false);
      stdin.off('data', onData);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          restore();
          resolve(buf.trim());
          return;
        }
        if (ch === '\u0003') {
          // Ctrl-C: raw mode swallowed the signal, so leave as the shell expects after one.
          restore();
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else if (ch >= ' ') buf += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    stdin.on('data', onData);
  });
}
