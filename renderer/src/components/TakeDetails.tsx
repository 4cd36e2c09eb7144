// How a take was made: provider, model, the exact prompt and images sent, seed, cost, how long it took,
// and what it was made from. Takes made before provenance was kept show what they have.
import type { Take } from '../../../shared/project.ts';
import { formatMoney } from '../lib/format.ts';

const SOURCE: Record<string, string> = { reroll: 'Re-roll of', remix: 'Remix of', extend: 'Extension of' };
const ROLE: Record<string, string> = { 'first-frame': 'First frame', 'last-frame': 'Last frame', reference: 'Reference' };

function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function TakeDetails({ take, takeLabel }: { take: Take; takeLabel(id: string): string }) {
  const made = take.provenance;
  const rows: Array<[string, string]> = [
    ['Provider', `${take.provider} · ${take.model}`],
    ['Size', take.size],
    ['Length', made ? `${take.seconds.toFixed(1)} s (asked ${made.seconds} s)` : `${take.seconds.toFixed(1)} s`],
    ['Cost', formatMoney(take.costUsd)],
    ['Seed', made?.seed != null ? String(made.seed) : 'not offered'],
    ['Took', made?.elapsedMs != null ? formatElapsed(made.elapsedMs) : 'not recorded'],
    ['Made', new Date(take.createdAt).toLocaleString()],
  ];
  if (made?.from) rows.push(['From', `${SOURCE[made.from.kind] ?? made.from.kind} ${takeLabel(made.from.takeId)}`]);
  if (made?.continuityFrom) rows.push(['Continues', `the last frame of ${takeLabel(made.continuityFrom.takeId)}`]);
  if (take.providerJobId) rows.push(['Provider job', take.providerJobId]);
  return (
    <div className="take-details" data-testid="take-details">
      <dl>
        {rows.map(([k, v]) => (
          <div key={k} className="take-details-row">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <p className="field-label">Prompt sent</p>
      <pre className="take-prompt" data-testid="take-prompt-sent">
        {take.prompt}
      </pre>
      <p className="field-label">Images sent</p>
      {made?.images.length ? (
        <ul className="take-images">
          {made.images.map((i) => (
            <li key={`${i.role}-${i.file}`}>
              {ROLE[i.role] ?? i.role}: <span className="muted">{i.file}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{made ? 'None' : 'Not recorded for this take'}</p>
      )}
    </div>
  );
}
