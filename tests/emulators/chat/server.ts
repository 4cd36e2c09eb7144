// An emulator of an OpenAI-compatible POST /v1/chat/completions (OpenRouter, LiteLLM, Gemini's compatible
// endpoint), on 127.0.0.1, for Enhance. It checks what it receives (the Bearer key, a JSON body with a model
// and system/user messages) and answers 400/401 when the request is wrong; faults can be switched on: an
// HTTP status for the next N requests, a reset connection, a body that is not a chat completion, a delay.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRecord {
  path: string;
  headers: Record<string, string>;
  body: unknown;
  status: number | 'reset';
  invalid?: string;
}

export interface ChatFaults {
  /** Answer this HTTP status to the next `count` requests (e.g. 429 with retry-after, 500). */
  status?: { code: number; count: number; retryAfterS?: number };
  /** Close the socket without an answer, next `count` requests. */
  reset?: { count: number };
  /** Answer 200 with a body that is not a chat completion. */
  garbage?: { count: number };
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface ChatEmulator {
  url: string;
  requests: ChatRecord[];
  setFaults(f: ChatFaults): void;
  /** What the model answers: a function of the user message. */
  reply: (user: string) => string;
  close(): Promise<void>;
}

function check(body: unknown): string | null {
  const b = body as { model?: unknown; messages?: unknown } | null;
  if (!b || typeof b !== 'object') return 'the body must be a JSON object';
  if (typeof b.model !== 'string' || !b.model) return 'model is required';
  if (!Array.isArray(b.messages) || !b.messages.length) return 'messages must be a non-empty array';
  for (const m of b.messages as Array<{ role?: unknown; content?: unknown }>) {
    if (!['system', 'user', 'assistant'].includes(String(m?.role))) return `unknown role ${String(m?.role)}`;
    if (typeof m.content !== 'string') return 'each message needs string content';
  }
  return null;
}

export async function startChatEmulator(opts: { apiKey: string }): Promise<ChatEmulator> {
  let faults: ChatFaults = {};
  const emu: ChatEmulator = {
    url: '',
    requests: [],
    setFaults: (f) => {
      faults = structuredClone(f);
    },
    reply: (user) => `Medium close-up, slow dolly in: ${user.split('\n').at(-1)}, warm golden backlight at dusk.`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const rec: ChatRecord = { path: req.url ?? '', headers, body, status: 200 };
      emu.requests.push(rec);
      const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
        rec.status = status;
        res.writeHead(status, { 'content-type': 'application/json', ...extra });
        res.end(JSON.stringify(payload));
      };
      const answer = () => {
        if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/chat/completions') return send(404, { error: { message: 'not found' } });
        if (req.headers.authorization !== `Bearer ${opts.apiKey}`) {
          rec.invalid = 'bad key';
          return send(401, { error: { message: 'Invalid API key', type: 'invalid_request_error' } });
        }
        if (!String(req.headers['content-type']).startsWith('application/json')) {
          rec.invalid = 'content-type';
          return send(400, { error: { message: 'content-type must be application/json' } });
        }
        const bad = check(body);
        if (bad) {
          rec.invalid = bad;
          return send(400, { error: { message: bad } });
        }
        if (faults.reset && faults.reset.count > 0) {
          faults.reset.count--;
          rec.status = 'reset';
          return req.socket.destroy();
        }
        if (faults.status && faults.status.count > 0) {
          faults.status.count--;
          return send(faults.status.code, { error: { message: `emulated ${faults.status.code}` } }, faults.status.retryAfterS ? { 'retry-after': String(faults.status.retryAfterS) } : {});
        }
        if (faults.garbage && faults.garbage.count > 0) {
          faults.garbage.count--;
          return send(200, { object: 'list', data: [] });
        }
        const b = body as { model: string; messages: Array<{ role: string; content: string }> };
        const user = b.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
        send(200, {
          id: `chatcmpl-${emu.requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: b.model,
          choices: [{ index: 0, message: { role: 'assistant', content: emu.reply(user) }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
        });
      };
      if (faults.delayMs) setTimeout(answer, faults.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  emu.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return emu;
}
