// A base URL typed by the creator and saved to main on Enter or blur. Main checks it (https://, or http://
// on this computer only) and asks before a saved key goes to a new address; a value main refused is not sent
// again on blur, where main would only ask the creator again. Used for the /v1/videos gateway's address and
// for each other provider's own (ProviderSettings).
import { useState } from 'react';
import type { AppInfo } from '../../../shared/contract.ts';

interface Props {
  /** The input's id and test id. */
  id: string;
  /** What main holds now ('' for none). */
  saved: string;
  /** Sends the value to main (null clears it); resolves to the new info, or nothing when main refused it. */
  save(next: string | null): Promise<AppInfo | undefined>;
  placeholder: string;
  hint: string;
  className?: string;
}

export function BaseUrlInput({ id, saved, save: send, placeholder, hint, className }: Props) {
  const [text, setText] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const value = text ?? saved;
  const save = async () => {
    const next = value.trim();
    if (next === saved) return setText(null);
    if (next === refused) return;
    if (await send(next || null)) setText(null);
    else setRefused(next);
  };
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field-label" htmlFor={id}>
        Base URL
      </label>
      <input
        id={id}
        type="url"
        className="input"
        data-testid={id}
        placeholder={placeholder}
        spellCheck={false}
        value={value}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => void save()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
        }}
      />
      <p className="muted small">{hint}</p>
    </div>
  );
}
