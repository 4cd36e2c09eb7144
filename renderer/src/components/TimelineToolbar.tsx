// Above the strip: add a scene, and generate every scene that still lacks a chosen take (with its cost).
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { generationProblems } from '../../../shared/capabilities.ts';
import { awaitsPick, needsGeneration } from '../../../shared/stale.ts';
import { formatMoney } from '../lib/format.ts';
import { addScene, generate } from '../actions.ts';
import { requestCancel } from './ConfirmCancel.tsx';
import { useEstimate } from '../hooks.ts';
import { activeJobsFor } from '../lib/status.ts';
import { useStore } from '../store.ts';
import { BestTakesButton, RegenerateBoardButton } from './BestTakes.tsx';
import { ImportShotListButton } from './ImportShotList.tsx';
import { Icon } from './ui.tsx';
import { UndoControls } from './UndoControls.tsx';
import { listNumbers } from '../../../shared/words.ts';

/** Adds a scene after `afterId` and puts the cursor in its prompt, ready to type. */
async function addAndEdit(afterId: string | null): Promise<void> {
  const id = await addScene(afterId);
  if (id) requestAnimationFrame(() => document.getElementById('scene-prompt')?.focus());
}

export function TimelineToolbar() {
  const selectedId = useStore((s) => s.selectedSceneId);
  const lastId = useStore((s) => s.view?.project.scenes.at(-1)?.id ?? null);
  return (
    <div className="toolbar">
      <h2 className="section-title">Storyboard</h2>
      <button type="button" className="btn btn-sm" data-testid="add-scene" onClick={() => void addAndEdit(selectedId ?? lastId)}>
        <Icon name="plus" />
        Add scene
      </button>
      <UndoControls />
      <ImportShotListButton />
      <GenerationProblems />
      <div className="spacer" />
      <BestTakesButton />
      <RegenerateBoardButton />
      <GenerateAll />
    </div>
  );
}

/** Why "Generate all" is disabled, in words (e.g. a 6 s scene on a model that makes 4/8/12 s). */
function GenerationProblems() {
  const project = useStore((s) => s.view?.project ?? null);
  const jobs = useStore((s) => s.jobs);
  const problems = useMemo(() => {
    if (!project) return [];
    const busy = new Set(activeJobsFor(jobs).map((j) => j.sceneId));
    const pending = project.scenes.filter((sc) => needsGeneration(project, sc) && !busy.has(sc.id)).map((sc) => sc.id);
    return pending.length ? generationProblems(project, pending) : [];
  }, [project, jobs]);
  if (problems.length === 0) return null;
  const scenes = new Set(problems.map((p) => p.sceneId)).size;
  const text =
    problems.length === 1 || problems.every((p) => p.sceneId === null)
      ? (problems[0]?.message ?? '')
      : `${scenes} scenes need a fix`;
  const soft = problems.every((p) => p.field === 'prompt');
  return (
    <p className={`toolbar-warn ${soft ? 'is-soft' : ''}`} role="note" data-testid="generation-problems" title={problems.map((p) => p.message).join('\n')}>
      <Icon name="warn" />
      <span>{text}</span>
    </p>
  );
}

function GenerateAll() {
  // What main's "generate all" means: scenes needing a take (shared/stale.ts) and nothing already generating.
  const pendingIds = useStore(
    useShallow((s) => {
      if (!s.view) return [];
      const busy = new Set(activeJobsFor(s.jobs).map((j) => j.sceneId));
      const p = s.view.project;
      return p.scenes.filter((sc) => needsGeneration(p, sc) && !busy.has(sc.id)).map((sc) => sc.id);
    }),
  );
  const project = useStore((s) => s.view?.project ?? null);
  // Scenes with takes and none in the film (after Unchoose): the creator picks, nothing is generated for them.
  const toPick = useStore(useShallow((s) => (s.view?.project.scenes ?? []).flatMap((sc, i) => (awaitsPick(sc) ? [i + 1] : []))));
  // Jobs being worked on; an unconfirmed one (`unknown`) waits for the creator, not for the provider.
  const activeIds = useStore(useShallow((s) => activeJobsFor(s.jobs).filter((j) => j.state !== 'unknown').map((j) => j.id)));
  const unconfirmed = useStore((s) => activeJobsFor(s.jobs).filter((j) => j.state === 'unknown').length);
  const { estimate, failed } = useEstimate(pendingIds);
  const problems = useMemo(() => (project && pendingIds.length ? generationProblems(project, pendingIds) : []), [project, pendingIds]);

  const nothing = pendingIds.length === 0;
  const total = nothing ? 0 : (estimate?.totalUsd ?? null);
  const seconds = nothing ? 0 : (estimate?.totalSeconds ?? null);
  const over = estimate && !nothing ? estimate.overBudgetUsd : 0;

  let estimateText: string;
  if (!project || project.scenes.length === 0) estimateText = '$0.00 · no scenes yet';
  // Said as it is: how many are generating, and how many are ready only when some are (not "the rest").
  else if (nothing && activeIds.length > 0) {
    const ready = project.scenes.filter((sc) => sc.takes.length > 0).length;
    estimateText = `Nothing more to send · ${activeIds.length} generating${ready ? `, ${ready} ready` : ''}`;
  }
  else if (nothing && unconfirmed > 0) estimateText = `$0.00 · ${unconfirmed} not confirmed by the provider`;
  else if (nothing && toPick.length > 0) estimateText = `Nothing to generate · pick a take for ${toPick.length === 1 ? 'scene' : 'scenes'} ${listNumbers(toPick)}`;
  else if (nothing) estimateText = '$0.00 · every scene has a take';
  else if (total === null) estimateText = failed ? 'Estimate unavailable' : 'Estimating…';
  else estimateText = `${formatMoney(total)} for ${pendingIds.length} ${pendingIds.length === 1 ? 'scene' : 'scenes'} · ${seconds} s`;

  return (
    <div className="generate-all">
      {activeIds.length > 0 && (
        <button type="button" className="btn btn-sm btn-ghost" data-testid="cancel-all" onClick={() => requestCancel(activeIds)}>
          <Icon name="stop" />
          Cancel {activeIds.length} running
        </button>
      )}
      <div className="estimate">
        <span className="estimate-total" data-testid="estimate-total" aria-live="polite">
          {estimateText}
        </span>
        {estimate && <BudgetLine spent={estimate.spentUsd} cap={estimate.budgetUsd} over={over} />}
      </div>
      <button
        type="button"
        className="btn btn-primary"
        data-testid="generate-all"
        disabled={nothing || problems.length > 0}
        title={problems[0]?.message ?? (nothing ? (toPick.length ? 'Pick one of the takes you have in each scene that asks; Generate in a scene makes another.' : 'Every scene already has a chosen take.') : undefined)}
        onClick={() => void generate(pendingIds)}
      >
        <Icon name="sparkle" />
        Generate all
      </button>
    </div>
  );
}

function BudgetLine({ spent, cap, over }: { spent: number; cap: number | null; over: number }) {
  if (over > 0 && cap !== null) {
    return (
      <span className="budget-line is-over" data-testid="budget-info">
        Over the {formatMoney(cap)} budget by {formatMoney(over)}
      </span>
    );
  }
  return (
    <span className="budget-line" data-testid="budget-info">
      Spent {formatMoney(spent)} · {cap === null ? 'no budget cap' : `budget ${formatMoney(cap)}`}
    </span>
  );
}
