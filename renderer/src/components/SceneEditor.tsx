// The panel under the strip for the selected scene: prompt, duration, generate, takes.
import { useState } from 'react';
import { sceneProblems, sceneTarget } from '../../../shared/capabilities.ts';
import { continuityProblems } from '../../../shared/continuity.ts';
import { NEXT_STEP } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { MAX_PROMPT_CHARS, fullPrompt } from '../../../shared/project.ts';
import type { Scene } from '../../../shared/project.ts';
import { generate, updateScene } from '../actions.ts';
import { useDraft, useEstimate } from '../hooks.ts';
import { formatClock, formatMoney } from '../lib/format.ts';
import { timelineOf } from '../lib/film-clock.ts';
import { activeJobsFor, sceneStatus } from '../lib/status.ts';
import { useStore, type StoreState } from '../store.ts';
import { useShallow } from 'zustand/react/shallow';
import { requestCancel } from './ConfirmCancel.tsx';
import { BibleUsage } from './BiblePanel.tsx';
import { EnhanceButton } from './Enhance.tsx';
import { LintList, SentPrompt } from './LintList.tsx';
import { PromptComposer } from './PromptComposer.tsx';
import { ReferenceField } from './ReferenceField.tsx';
import { ContinuityField } from './ContinuityField.tsx';
import { ResendUnknown } from './ResendUnknown.tsx';
import { SceneModelPicker, useSceneModel } from './SceneModelPicker.tsx';
import { TakeList } from './TakeList.tsx';
import { TrimControls } from './TrimControls.tsx';
import { ErrorText, Icon, ProgressBar, StatusChip } from './ui.tsx';

const onClock = (s: StoreState) => (s.view ? timelineOf(s.view.project.scenes).scenes.find((t) => t.sceneId === s.selectedSceneId) : undefined);

export function SceneEditor() {
  const scene = useStore((s) => s.view?.project.scenes.find((sc) => sc.id === s.selectedSceneId) ?? null);
  const index = useStore((s) => s.view?.project.scenes.findIndex((sc) => sc.id === s.selectedSceneId) ?? -1);
  const count = useStore((s) => s.view?.project.scenes.length ?? 0);
  // Where the scene sits on the film's clock (shared/timeline.ts); numbers, so the selectors stay stable.
  const start = useStore((s) => onClock(s)?.start ?? 0);
  const end = useStore((s) => onClock(s)?.end ?? 0);
  const askDelete = useStore((s) => s.askDelete);

  if (!scene) {
    return (
      <section className="editor editor-empty" aria-label="Scene editor">
        <p className="muted">{count === 0 ? 'Add a scene to start.' : 'Select a scene on the storyboard to edit it.'}</p>
      </section>
    );
  }

  return (
    <section className="editor" aria-labelledby="editor-title">
      <div className="editor-head">
        <h2 id="editor-title">
          Scene {index + 1}
          <span className="editor-sub">
            of {count} · {formatClock(start)}–{formatClock(end)}
          </span>
        </h2>
        <div className="spacer" />
        <button type="button" className="btn btn-sm btn-ghost btn-danger" data-testid="delete-scene" onClick={() => askDelete(scene.id)}>
          <Icon name="trash" />
          Delete scene
        </button>
      </div>
      <div className="editor-body">
        <div className="editor-left">
          <PromptField key={scene.id} scene={scene} />
          <PromptComposer key={`composer-${scene.id}`} scene={scene} />
          <ReferenceField scene={scene} />
          <ContinuityField key={`continuity-${scene.id}`} scene={scene} index={index} />
          <SceneModelPicker scene={scene} />
          <SceneControls key={`controls-${scene.id}`} scene={scene} index={index} />
          <SceneJobs sceneId={scene.id} />
          <SceneIssues scene={scene} index={index} />
        </div>
        <div className="editor-right">
          <TakeList scene={scene} />
          <TrimControls scene={scene} />
        </div>
      </div>
    </section>
  );
}

function PromptField({ scene }: { scene: Scene }) {
  const style = useStore((s) => s.view?.project.style ?? '');
  const bible = useStore((s) => s.view?.project.bible);
  const { draft, change, flush } = useDraft(scene.prompt, (v) => updateScene(scene.id, { prompt: v }));
  const sent = fullPrompt({ style, bible }, { prompt: draft });
  return (
    <div className="field">
      <label className="field-label" htmlFor="scene-prompt">
        Prompt
      </label>
      <textarea
        id="scene-prompt"
        className="input prompt-input"
        data-testid="scene-prompt"
        value={draft}
        maxLength={MAX_PROMPT_CHARS}
        placeholder="What happens in this shot? Subject, action, setting, camera move, light. e.g. “Slow dolly-in on a lighthouse keeper lighting the lamp at dusk, warm tungsten glow, waves below.”"
        onChange={(e) => change(e.target.value)}
        onBlur={flush}
      />
      {style.trim() && (
        <p className="field-hint" title={sent}>
          The project style is added: “{style.trim().slice(0, 90)}
          {style.trim().length > 90 ? '…' : ''}”
        </p>
      )}
      <EnhanceButton sceneId={scene.id} flush={flush} />
      <BibleUsage prompt={draft} />
      <LintList prompt={draft} sent={sent} />
      <SentPrompt sent={sent} />
    </div>
  );
}

const TAKE_COUNTS = [1, 2, 3, 4];
const NO_SCENES: Scene[] = [];

function SceneControls({ scene, index }: { scene: Scene; index: number }) {
  // The scene's own model when it has one (a film may mix models), else the project's.
  const model = useSceneModel(scene);
  const projectWide = useStore(useShallow((s) => ({ provider: s.view?.project.provider ?? '', model: s.view?.project.model ?? '', size: s.view?.project.size ?? '' })));
  const project = { ...projectWide, ...sceneTarget(projectWide, scene) };
  const [takes, setTakes] = useState(1);
  const { estimate, failed } = useEstimate([scene.id], takes);
  const durations = model?.durations ?? [];
  const invalid = !durations.includes(scene.seconds);
  const busy = useStore((s) => activeJobsFor(s.jobs, scene.id).length > 0);
  // Continuity is checked as main will: a scene before with no take (and none on its way) blocks it.
  const scenes = useStore((s) => s.view?.project.scenes ?? NO_SCENES);
  const previousBusy = useStore((s) => index > 0 && activeJobsFor(s.jobs, s.view?.project.scenes[index - 1]?.id ?? '').length > 0);
  const blocking = [...sceneProblems(project, scene, index), ...continuityProblems({ ...projectWide, scenes }, [scene.id], previousBusy ? new Set([scenes[index - 1]!.id]) : undefined)];

  const price = estimate && estimate.lines[0]?.sceneId === scene.id ? formatMoney(estimate.totalUsd) : failed ? '' : '…';

  return (
    <div className="controls-row">
      <div className="field field-inline field-length">
        <label className="field-label" htmlFor="scene-seconds">
          Length
        </label>
        <select
          id="scene-seconds"
          className={`input select ${invalid ? 'is-invalid' : ''}`}
          data-testid="scene-seconds"
          value={scene.seconds}
          aria-invalid={invalid}
          onChange={(e) => void updateScene(scene.id, { seconds: Number(e.target.value) })}
        >
          {invalid && (
            <option value={scene.seconds} disabled>
              {scene.seconds} s (invalid)
            </option>
          )}
          {durations.map((d) => (
            <option key={d} value={d}>
              {d} s
            </option>
          ))}
        </select>
      </div>
      <div className="field field-inline field-takes">
        <label className="field-label" htmlFor="scene-takes">
          Takes
        </label>
        <select id="scene-takes" className="input select" data-testid="scene-takes" value={takes} onChange={(e) => setTakes(Number(e.target.value))}>
          {TAKE_COUNTS.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="btn btn-primary generate-scene"
        data-testid="generate-scene"
        aria-label={`Generate scene ${index + 1}${takes > 1 ? ` (${takes} takes)` : ''}${price && price !== '…' ? `, ${price}` : ''}`}
        disabled={blocking.length > 0 || busy}
        title={busy ? 'This scene is generating. Wait for it, or cancel it first.' : blocking[0]?.message}
        // The count is for this action only: the next one (here or on another scene) starts at one take.
        onClick={() => void generate([scene.id], takes).finally(() => setTakes(1))}
      >
        <Icon name="sparkle" />
        Generate
        {price && <span className="btn-price">{price}</span>}
      </button>
    </div>
  );
}

function SceneJobs({ sceneId }: { sceneId: string }) {
  const active = useStore(useShallow((s) => activeJobsFor(s.jobs, sceneId)));
  const sceneNumber = useStore((s) => (s.view?.project.scenes.findIndex((sc) => sc.id === sceneId) ?? -1) + 1);
  if (active.length === 0) return null;
  return (
    <ul className="job-list" aria-label="Generations in progress">
      {active.map((job) => {
        const st = sceneStatus(job);
        return (
          <li key={job.id} className="job-row" data-testid="job" data-job-id={job.id} data-state={job.state}>
            <StatusChip tone={st.tone}>{st.label}</StatusChip>
            {job.state === 'unknown' ? <p className="job-note small">{st.sentence}</p> : <ProgressBar value={job.progress} label={st.sentence} className="job-progress" />}
            {job.state === 'unknown' && <ResendUnknown job={job} sceneNumber={sceneNumber} />}
            <button type="button" className="btn btn-sm btn-ghost" data-testid="cancel-job" onClick={() => requestCancel([job.id])}>
              Cancel
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function SceneIssues({ scene, index }: { scene: Scene; index: number }) {
  const projectWide = useStore(useShallow((s) => ({ provider: s.view?.project.provider ?? '', model: s.view?.project.model ?? '', size: s.view?.project.size ?? '' })));
  const project = { ...projectWide, ...sceneTarget(projectWide, scene) };
  const problems = sceneProblems(project, scene, index).map((p) => ({ ...p, message: p.message.replace(`Scene ${index + 1}`, 'This scene') }));
  const err = scene.lastError;
  if (problems.length === 0 && !err) return null;
  return (
    <div className="issues">
      {problems.map((p) => (
        <p key={p.field} className={`issue ${p.field === 'prompt' ? 'issue-soft' : ''}`} data-testid="scene-problem" data-field={p.field}>
          <Icon name="warn" />
          <span>
            {p.message}
            {p.field === 'seconds' && <span className="issue-next"> Pick an allowed length.</span>}
          </span>
        </p>
      ))}
      {err && (
        <div className="issue issue-error" data-testid="scene-error" data-code={err.code}>
          <Icon name="warn" />
          <ErrorText message={`The last generation failed: ${err.message}`} nextStep={NEXT_STEP[err.code as ErrorCode] ?? NEXT_STEP.Internal} />
        </div>
      )}
    </div>
  );
}
