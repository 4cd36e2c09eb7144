// ffmpeg is needed to measure takes and to export; say so plainly when it is missing.
import { useState } from 'react';
import { NEXT_STEP } from '../../../shared/errors.ts';
import { updateSettings } from '../actions.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';

export function FfmpegBanner() {
  const ffmpeg = useStore((s) => s.info?.ffmpeg ?? null);
  const [path, setPath] = useState('');
  if (!ffmpeg || ffmpeg.ok) return null;
  const save = async () => {
    const p = path.trim();
    if (!p) return;
    const info = await updateSettings({ ffmpegPath: p });
    if (info) setPath('');
  };
  return (
    <div className="banner banner-warn" role="alert" data-testid="ffmpeg-missing">
      <Icon name="warn" />
      <div className="banner-text">
        <strong>ffmpeg was not found, so takes cannot be measured and the film cannot be exported.</strong>
        <span>
          {NEXT_STEP.FfmpegMissing}
          {ffmpeg.error ? ` (${ffmpeg.error})` : ''}
        </span>
      </div>
      <form
        className="banner-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="sr-only" htmlFor="ffmpeg-path">
          Path to ffmpeg
        </label>
        <input id="ffmpeg-path" className="input input-sm" placeholder="/usr/local/bin/ffmpeg" value={path} onChange={(e) => setPath(e.target.value)} />
        <button type="submit" className="btn btn-sm" disabled={!path.trim()}>
          Use this ffmpeg
        </button>
      </form>
    </div>
  );
}
