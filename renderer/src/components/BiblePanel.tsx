// The project bible in the window: named characters, props, locations and looks with fixed descriptions and
// reference images, and the style presets. A scene names an entry with @Name; the scene editor shows what
// that adds to the prompt sent (BibleUsage). The rules are shared/bible.ts; main keeps the image paths.
import { useMemo, useRef, useState } from 'react';
import { BIBLE_KINDS, bibleReferences, mentions, NAME_PATTERN, STYLE_PRESET_IDS, STYLE_PRESETS, type Bible, type BibleKind, type StylePresetId } from '../../../shared/bible.ts';
import type { ProjectChange } from '../../../shared/contract.ts';
import { getApi } from '../api.ts';
import { opensOnImage } from '../../../shared/continuity.ts';
import { modelProfile, sceneTarget } from '../../../shared/capabilities.ts';
import { useCustomModels } from '../hooks.ts';
import { resyncProject, useStore } from '../store.ts';
import '../craft.css';
import { BibleList } from './BibleList.tsx';
import { Modal } from './Modal.tsx';
import { Icon } from './ui.tsx';

const EMPTY: Bible = { entries: [], presets: [] };
const KIND_LABEL: Record<BibleKind, string> = { character: 'Character', prop: 'Prop', location: 'Location', look: 'Look' };
const PLACEHOLDER: Record<BibleKind, string> = {
  character: 'Age, face, hair, build, clothes, e.g. “a woman in her thirties, short silver hair, red raincoat”',
  prop: 'Shape, material, colour, wear, e.g. “a dented brass oil lamp with a green glass chimney”',
  location: 'Place, time, weather, e.g. “a white stone lighthouse on a black basalt cliff, North Sea”',
  look: 'Grade, lens, texture, e.g. “teal-and-amber grade, 35mm anamorphic, soft halation”',
};

const useBible = (): Bible => useStore((s) => s.view?.project.bible) ?? EMPTY;

async function send(p: Promise<ProjectChange | null>): Promise<boolean> {
  try {
    const change = await p;
    if (change && !useStore.getState().applyChange(change)) await resyncProject(getApi());
    return true;
  } catch (err) {
    useStore.getState().showError(err);
    return false;
  }
}

const saveBible = (b: Bible) => send(getApi().bible.update({ entries: b.entries.map((e) => ({ ...(e.id ? { id: e.id } : {}), kind: e.kind, name: e.name, description: e.description, images: e.images })), presets: b.presets }));

/** The section in the inspector: presets as toggles, the entries at a glance, and the editor. */
export function BiblePanel() {
  const bible = useBible();
  const [editing, setEditing] = useState(false);
  const toggle = (id: StylePresetId) => void saveBible({ ...bible, presets: bible.presets.includes(id) ? bible.presets.filter((p) => p !== id) : [...bible.presets, id] });
  return (
    <section className="panel" aria-labelledby="bible-title" data-testid="bible-panel">
      <h2 id="bible-title" className="panel-title">
        Bible
      </h2>
      <p className="field-label">Style presets (added to the style)</p>
      <div className="preset-row">
        {STYLE_PRESET_IDS.map((id) => (
          <button key={id} type="button" className={`preset ${bible.presets.includes(id) ? 'is-on' : ''}`} aria-pressed={bible.presets.includes(id)} data-testid={`preset-${id}`} title={STYLE_PRESETS[id].text} onClick={() => toggle(id)}>
            {STYLE_PRESETS[id].label}
          </button>
        ))}
      </div>
      <p className="field-label bible-label">Characters, props, places, looks</p>
      {bible.entries.length === 0 ? (
        <p className="muted small">Describe a character once and write @Name in any scene: the description goes into every prompt that names it, and its pictures go as references where the model takes them.</p>
      ) : (
        <BibleList entries={bible.entries} kindLabel={KIND_LABEL} />
      )}
      <button type="button" className="btn btn-sm" data-testid="bible-edit" onClick={() => setEditing(true)}>
        <Icon name="plus" />
        {bible.entries.length ? 'Edit bible…' : 'Add to the bible…'}
      </button>
      {editing && <BibleEditor onClose={() => setEditing(false)} />}
    </section>
  );
}

type Draft = Bible['entries'][number] & { key: number };
let draftKey = 0;

function problemOf(d: Draft, all: Draft[]): string | null {
  if (!NAME_PATTERN.test(d.name)) return 'A name is one word (letters, digits, - or _), written @Name in prompts.';
  if (all.some((o) => o !== d && o.name.toLowerCase() === d.name.toLowerCase())) return `@${d.name} is already in the bible.`;
  return null;
}

function BibleEditor({ onClose }: { onClose: () => void }) {
  const bible = useBible();
  const [drafts, setDrafts] = useState<Draft[]>(() => bible.entries.map((e) => ({ ...e, key: ++draftKey })));
  const first = useRef<HTMLButtonElement>(null);
  const problems = drafts.map((d) => problemOf(d, drafts));
  const ok = problems.every((p) => p === null);
  const edit = (key: number, patch: Partial<Draft>) => setDrafts((ds) => ds.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  const asBible = (ds: Draft[]): Bible => ({ ...bible, entries: ds.map(({ key: _key, ...e }) => e) });

  const save = async () => {
    if (await saveBible(asBible(drafts))) onClose();
  };
  // An image belongs to a saved entry: save first, then ask main to pick and copy it.
  const addImage = async (d: Draft) => {
    if (!(await saveBible(asBible(drafts)))) return;
    const saved = useStore.getState().view?.project.bible?.entries.find((e) => e.name.toLowerCase() === d.name.toLowerCase());
    if (!saved) return;
    await send(getApi().bible.pickImage({ entryId: saved.id }));
    const now = useStore.getState().view?.project.bible?.entries ?? [];
    setDrafts((ds) => ds.map((x) => ({ ...x, ...(now.find((e) => e.name.toLowerCase() === x.name.toLowerCase()) ?? {}) })));
  };

  return (
    <Modal titleId="bible-editor-title" bodyId="bible-editor-body" testId="bible-editor" initialFocus={first} onClose={onClose}>
      <div className="bible-modal">
        <h2 id="bible-editor-title">Project bible</h2>
        <p id="bible-editor-body" className="muted small">
          Write a name as @Name in a scene&apos;s prompt: its description is added to the prompt that is sent, and its pictures go as reference images where the model takes them.
        </p>
        <div className="bible-add-row">
          {BIBLE_KINDS.map((k, i) => (
            <button key={k} ref={i === 0 ? first : undefined} type="button" className="btn btn-sm" data-testid={`bible-add-${k}`} onClick={() => setDrafts((ds) => [...ds, { key: ++draftKey, id: '', kind: k, name: '', description: '', images: [] }])}>
              <Icon name="plus" />
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
        {drafts.map((d, i) => (
          <div key={d.key} className="bible-card" data-testid="bible-entry">
            <div className="bible-card-head">
              <select className="input select input-sm" aria-label="Kind" value={d.kind} onChange={(e) => edit(d.key, { kind: e.target.value as BibleKind })}>
                {BIBLE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABEL[k]}
                  </option>
                ))}
              </select>
              <span className="input-prefix bible-name-field">
                <span>@</span>
                <input className="input input-sm" aria-label="Name" data-testid="bible-name" value={d.name} placeholder="Mara" onChange={(e) => edit(d.key, { name: e.target.value.replace(/\s+/g, '') })} />
              </span>
              <div className="spacer" />
              <button type="button" className="btn btn-sm btn-ghost btn-danger" aria-label={`Remove @${d.name}`} onClick={() => setDrafts((ds) => ds.filter((x) => x.key !== d.key))}>
                <Icon name="trash" />
              </button>
            </div>
            <textarea className="input bible-desc-input" aria-label="Description" data-testid="bible-description" value={d.description} placeholder={PLACEHOLDER[d.kind]} maxLength={2000} onChange={(e) => edit(d.key, { description: e.target.value })} />
            <div className="bible-images">
              {d.images.map((img) => (
                <span key={img} className="bible-image">
                  <img src={getApi().mediaUrl(img)} alt={`Reference for @${d.name}`} data-testid="bible-image" />
                  <button type="button" className="bible-image-remove" aria-label="Remove image" onClick={() => edit(d.key, { images: d.images.filter((x) => x !== img) })}>
                    <Icon name="close" />
                  </button>
                </span>
              ))}
              {d.images.length < 4 && (
                <button type="button" className="btn btn-sm btn-ghost" data-testid="bible-add-image" disabled={problems[i] !== null} onClick={() => void addImage(d)}>
                  <Icon name="image" />
                  Add image…
                </button>
              )}
            </div>
            {problems[i] && d.name && (
              <p className="small lint-inline" role="note">
                {problems[i]}
              </p>
            )}
          </div>
        ))}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" data-testid="bible-save" disabled={!ok} onClick={() => void save()}>
            Save bible
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** Under a scene's prompt: which bible entries it names, what goes as references, and names not in the bible. */
export function BibleUsage({ prompt }: { prompt: string }) {
  const bible = useBible();
  // The selected scene's own model, and whether it opens on an image (its own, a shared keyframe, or continuity).
  const custom = useCustomModels();
  const target = useStore((s) => {
    const p = s.view?.project;
    const scene = p?.scenes.find((sc) => sc.id === s.selectedSceneId);
    return p && scene ? `${sceneTarget(p, scene).provider}|${sceneTarget(p, scene).model}` : '';
  });
  const [providerId = '', modelId = ''] = target.split('|');
  const model = modelProfile(providerId, modelId, custom);
  const referenceImage = useStore((s) => (s.view && s.selectedSceneId && opensOnImage(s.view.project, s.selectedSceneId) ? 'first-frame' : null));
  const used = useMemo(() => mentions(bible, prompt), [bible, prompt]);
  const refs = useMemo(() => bibleReferences({ bible }, { prompt, referenceImage }, model), [bible, prompt, referenceImage, model]);
  if (!used.entries.length && !used.unknown.length) return null;
  return (
    <div className="bible-usage small" data-testid="bible-usage">
      {used.entries.length > 0 && (
        <p>
          Uses {used.entries.map((e) => `@${e.name}`).join(', ')}
          {refs.images.length ? ` · ${refs.images.length} reference image${refs.images.length === 1 ? '' : 's'} sent` : ''}
        </p>
      )}
      {refs.note && <p className="muted">{refs.note}</p>}
      {used.unknown.length > 0 && (
        <p className="lint-inline" data-testid="bible-unknown">
          {used.unknown.map((n) => `@${n}`).join(', ')} {used.unknown.length === 1 ? 'is' : 'are'} not in the bible, so {used.unknown.length === 1 ? 'it is' : 'they are'} sent as written. Add {used.unknown.length === 1 ? 'it' : 'them'} in the Bible panel.
        </p>
      )}
    </div>
  );
}
