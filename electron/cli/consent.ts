// Paid work is sent only on the creator's word: a yes on the terminal to the estimate, or --yes, or a
// --max-spend cap (the budget check then holds the amount). Without one of them nothing is sent.
import { createInterface } from 'node:readline/promises';
import { refuse } from './args.ts';

export interface Consent {
  yes: boolean;
  maxSpend: number | null;
  /** "3 scenes with openai-videos/sora-2 at 1280x720, estimated $1.60 (16 s × $0.10/s)" */
  what: string;
  totalUsd: string;
  command: string;
}

/** Returns when the paid work may be sent (true: the creator was asked and said yes); otherwise refuses. */
export async function agreeToPaidWork(c: Consent, io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream } = process): Promise<boolean> {
  if (c.yes || c.maxSpend !== null) return false;
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    refuse(
      `This would generate ${c.what}, and there is no terminal to ask you on, so nothing was sent. ` +
        `Add --yes to agree to ${c.totalUsd}, or --max-spend USD to agree within a cap, e.g.: ${c.command} --max-spend ${c.totalUsd.replace(/^\$/, '')}`,
      2,
    );
  }
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  let answer = '';
  try {
    answer = await rl.question(`Paid work: ${c.what}.\nSend it to the provider (it bills you)? [y/N] `);
  } finally {
    rl.close();
  }
  if (!/^\s*y(es)?\s*$/i.test(answer)) refuse('Nothing was sent. Run the same command again and answer y, or add --yes.', 1);
  return true;
}
