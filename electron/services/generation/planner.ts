// The generation plan and its admission: which scenes "generate" means, what they would cost, and, as one
// step per project, the checks that must pass before money is spent (values the model takes, the key, the
// busy scenes, the budget) followed by the creation of the jobs. The step runs under the session's
// admission mutex, so no sequence or concurrency of calls can pay past the cap or twice for one scene.
import { bibleReferences } from '../../../shared/bible.ts';
import { estimateCost, formatUsd, generationProblems, modelProfile, roundUsd, sceneTarget, type CustomModels } from '../../../shared/capabilities.ts';
import type { EstimateView } from '../../../shared/contract.ts';
import { AppError, toAppErrorShape, type AppErrorShape } from '../../../shared/errors.ts';
import { isTerminal, type JobSnapshot } from '../../../shared/jobs.ts';
import { continuityProblems, opensOnImage, sceneFrames } from '../../../shared/continuity.ts';
import type { DeriveKind } from '../../../shared/derive.ts';
import { fullPrompt, type Project, type Provenance } from '../../../shared/project.ts';
import { needsGeneration } from '../../../shared/stale.ts';
import type { JobSpec } from '../jobs/engine.ts';
import type { InputImage } from '../providers/types.ts';
import { problemsError } from '../projects/rules.ts';
import type { Session } from '../session.ts';
import { deriveSpec } from './derive.ts';
import { fittedReference } from './references.ts';

export interface PlannerOptions {
  /** The budget cap for this project in USD; null = no cap. Read at each admission. */
  budgetUsd(): number | null;
  /** The creator's own gateway models (price, durations, sizes). */
  customModels(): CustomModels;
  /**
   * The project as this run sees it, when it differs from the file: the command line's --provider and
   * --model without --save apply to its run only, so they are never written. Default: the file's.
   */
  view?(stored: Project): Project;
}

export class GenerationPlanner {
  constructor(
    private readonly session: Session,
    private readonly opts: PlannerOptions,
  ) {}

  /** Money already committed for this project: accepted jobs, plus jobs that may be at the provider. */
  async spent(): Promise<number> {
    const { engine, ledger } = this.session;
    // The jobs first, then the ledger: a job appends its spend before it can end, so a job that ends while the
    // ledger is being read is counted by one or the other, never by neither.
    const open = engine.records().filter((j) => !isTerminal(j.state));
    const ledgerSpend = await ledger.readSpend();
    const counted = new Set(ledgerSpend.map((e) => e.jobId));
    const inFlight = open.filter((j) => !counted.has(j.id)).reduce((a, j) => a + j.costUsd, 0);
    return roundUsd(ledgerSpend.reduce((a, e) => a + e.usd, 0) + inFlight);
  }

  /** The project the plan is made for: the file's, or the run's view of it (PlannerOptions.view). */
  private project(): Project {
    const stored = this.session.store.get();
    return this.opts.view ? this.opts.view(stored) : stored;
  }

  /** Every provider the given scenes are generated with (a scene may name its own). */
  private providersFor(sceneIds: string[]): string[] {
    const project = this.project();
    return [...new Set(project.scenes.filter((s) => sceneIds.includes(s.id)).map((s) => sceneTarget(project, s).provider))];
  }

  /** Scenes with a job that has not finished. */
  private busyScenes(): Set<string> {
    return new Set(this.session.engine.records().filter((j) => !isTerminal(j.state)).map((j) => j.sceneId));
  }

  /**
   * Which scenes "generate" means: the given ones, or every scene with no job running whose film take is missing
   * or was put there automatically by another provider/model (shared/stale.ts needsGeneration).
   */
  targetScenes(sceneIds: string[]): string[] {
    const { store } = this.session;
    if (sceneIds.length) {
      // Each scene once: the same id named twice is one scene to generate, and is estimated once.
      const unique = [...new Set(sceneIds)];
      for (const id of unique) store.scene(id);
      return unique;
    }
    const busy = this.busyScenes();
    const project = store.get();
    return project.scenes.filter((s) => needsGeneration(project, s) && !busy.has(s.id)).map((s) => s.id);
  }

  async estimate(sceneIds: string[], takes = 1): Promise<EstimateView> {
    const project = this.project();
    const targets = this.targetScenes(sceneIds);
    const est = estimateCost(project, targets, takes, this.opts.customModels());
    const spentUsd = await this.spent();
    const budgetUsd = this.opts.budgetUsd();
    const overBudgetUsd = budgetUsd === null ? 0 : Math.max(0, roundUsd(spentUsd + est.totalUsd - budgetUsd));
    let blocked: AppErrorShape | null = null;
    try {
      const problems = [...generationProblems(project, targets, this.opts.customModels()), ...continuityProblems(project, targets, new Set([...targets, ...this.busyScenes()]), this.opts.customModels())];
      if (problems.length) throw problemsError(problems);
      for (const p of this.providersFor(targets)) this.session.provider(p);
    } catch (err) {
      blocked = toAppErrorShape(err);
    }
    return { ...est, spentUsd, budgetUsd, overBudgetUsd, blocked };
  }

  /**
   * Validates everything that can be known before money is spent (values the model accepts, the key,
   * the budget), then writes the jobs to the ledger and starts them.
   */
  generate(sceneIds: string[], takes = 1): Promise<string[]> {
    // One admission at a time per project: otherwise two calls both pass the busy and budget checks before
    // either has created its jobs, and the creator pays twice or past the cap.
    return this.session.admission.run(() => this.admit(sceneIds, takes));
  }

  /**
   * The creator's explicit "send it again" for a job whose create may or may not have reached the
   * provider. Its cost is already counted as possibly spent, so a resend must fit the budget once more;
   * it is admitted like any generation (one at a time per project), since it may be paid for.
   */
  resend(jobId: string): Promise<JobSnapshot> {
    return this.session.admission.run(async () => {
      const { engine } = this.session;
      this.session.assertOpen();
      const job = engine.get(jobId);
      if (!job) throw new AppError('NotFound', 'That job no longer exists.');
      const budgetUsd = this.opts.budgetUsd();
      if (budgetUsd !== null && job.costUsd > 0) {
        const spentUsd = await this.spent();
        const over = roundUsd(spentUsd + job.costUsd - budgetUsd);
        if (over > 0) throw new AppError('BudgetExceeded', `Sending it again could cost another ${formatUsd(job.costUsd)}, which goes over your budget of ${formatUsd(budgetUsd)} by ${formatUsd(over)} (already counted: ${formatUsd(spentUsd)}).`);
      }
      return engine.resend(jobId);
    });
  }

  /** What re-rolling, remixing or extending one take would cost, and why it cannot be done now, if so. */
  async deriveEstimate(sceneId: string, takeId: string, kind: DeriveKind): Promise<EstimateView> {
    if (kind === 'reroll') return this.estimate([sceneId], 1);
    const budgetUsd = this.opts.budgetUsd();
    const spentUsd = await this.spent();
    let spec: JobSpec | null = null;
    let blocked: AppErrorShape | null = null;
    try {
      spec = this.deriveJob(sceneId, takeId, kind);
      this.session.provider(spec.provider);
    } catch (err) {
      blocked = toAppErrorShape(err);
    }
    const usd = spec?.costUsd ?? 0;
    const seconds = spec?.seconds ?? 0;
    return {
      provider: spec?.provider ?? '',
      model: spec?.model ?? '',
      pricePerSecond: seconds ? roundUsd(usd / seconds) : 0,
      lines: spec ? [{ sceneId, seconds, takes: 1, usd }] : [],
      totalSeconds: seconds,
      totalUsd: usd,
      spentUsd,
      budgetUsd,
      overBudgetUsd: budgetUsd === null ? 0 : Math.max(0, roundUsd(spentUsd + usd - budgetUsd)),
      blocked,
    };
  }

  /**
   * Re-rolls (generates again as the scene now stands), remixes or extends one take, admitted like any
   * generation: one at a time per project, the scene not busy, the key and the budget checked first.
   */
  derive(sceneId: string, takeId: string, kind: DeriveKind): Promise<string[]> {
    return this.session.admission.run(async () => {
      if (kind === 'reroll') {
        this.takeOf(sceneId, takeId);
        return this.admit([sceneId], 1, { kind, takeId });
      }
      const session = this.session;
      session.assertOpen();
      const spec = this.deriveJob(sceneId, takeId, kind);
      if (this.busyScenes().has(sceneId)) throw new AppError('InvalidInput', `Scene ${spec.sceneNumber} is already being generated. Wait for it, or cancel it first.`);
      session.provider(spec.provider);
      const budgetUsd = this.opts.budgetUsd();
      if (budgetUsd !== null && spec.costUsd > 0) {
        const spentUsd = await this.spent();
        const over = roundUsd(spentUsd + spec.costUsd - budgetUsd);
        if (over > 0) throw new AppError('BudgetExceeded', `This would cost ${formatUsd(spec.costUsd)}, which goes over your budget of ${formatUsd(budgetUsd)} by ${formatUsd(over)} (already spent: ${formatUsd(spentUsd)}).`);
      }
      const jobs = await session.engine.enqueue([spec]);
      await session.store.clearSceneErrors([sceneId]);
      return jobs.map((j) => j.id);
    });
  }

  private takeOf(sceneId: string, takeId: string) {
    const project = this.session.store.get();
    const index = project.scenes.findIndex((s) => s.id === sceneId);
    const take = project.scenes[index]?.takes.find((t) => t.id === takeId);
    if (!take) throw new AppError('NotFound', 'That take no longer exists.');
    return { project, index, take };
  }

  /** The remix or extension job for a take. */
  private deriveJob(sceneId: string, takeId: string, kind: 'remix' | 'extend'): JobSpec {
    const { project, index, take } = this.takeOf(sceneId, takeId);
    return deriveSpec(project, index, take, kind, this.opts.customModels());
  }

  private async admit(sceneIds: string[], takes: number, from: Provenance['from'] = null): Promise<string[]> {
    const session = this.session;
    session.assertOpen();
    const project = this.project();
    const targets = this.targetScenes(sceneIds);
    if (!targets.length) return [];
    const busy = this.busyScenes();
    const already = targets.filter((id) => busy.has(id));
    if (already.length) {
      const n = already.map((id) => project.scenes.findIndex((s) => s.id === id) + 1).join(', ');
      throw new AppError('InvalidInput', `Scene ${n} is already being generated. Wait for it, or cancel it first.`);
    }
    // A continuing scene may wait for the scene before it when that one is generated in this same request.
    const problems = [...generationProblems(project, targets, this.opts.customModels()), ...continuityProblems(project, targets, new Set([...targets, ...busy]), this.opts.customModels())];
    if (problems.length) throw problemsError(problems);
    for (const p of this.providersFor(targets)) session.provider(p); // MissingKey etc. before anything is written
    const est = await this.estimate(targets, takes);
    if (est.overBudgetUsd > 0) {
      throw new AppError(
        'BudgetExceeded',
        `This would cost ${formatUsd(est.totalUsd)}, which goes over your budget of ${formatUsd(est.budgetUsd ?? 0)} by ${formatUsd(est.overBudgetUsd)} (already spent: ${formatUsd(est.spentUsd)}).`,
      );
    }
    const specs: JobSpec[] = [];
    for (const id of targets) {
      const index = project.scenes.findIndex((s) => s.id === id);
      const scene = project.scenes[index]!;
      // The scene's own first frame (or the keyframe it shares with the scene before) and the keyframe it shares with the next.
      const frames = sceneFrames(project, id);
      const reference = frames.first ? await fittedReference(session, frames.first, project.size) : null;
      const last = frames.last ? await fittedReference(session, frames.last, project.size) : null;
      const target = sceneTarget(project, scene);
      // The images of the bible entries the scene names, where its model takes references (shared/bible.ts).
      // A continuing scene's first frame is only known when its job runs, but it will have one (Seedance takes references only without).
      const bibleRefs = bibleReferences(project, { ...scene, referenceImage: opensOnImage(project, id) ? (frames.first ?? 'previous-last-frame') : null }, modelProfile(target.provider, target.model, this.opts.customModels())).images;
      const images: InputImage[] = [
        ...(reference ? [{ role: 'first-frame' as const, file: reference }] : []),
        ...(last ? [{ role: 'last-frame' as const, file: last }] : []),
        ...(await Promise.all(bibleRefs.map(async (rel) => ({ role: 'reference' as const, file: await fittedReference(session, rel, project.size) })))),
      ];
      const line = est.lines.find((l) => l.sceneId === id);
      for (let t = 0; t < takes; t++) {
        specs.push({
          sceneId: id,
          sceneNumber: index + 1,
          ...target,
          prompt: fullPrompt(project, scene),
          seconds: scene.seconds,
          size: project.size,
          referenceImage: reference,
          ...(last || bibleRefs.length ? { images } : {}),
          continuity: scene.continuity,
          costUsd: line ? roundUsd(line.usd / takes) : 0,
          takeNumber: scene.takes.length + t + 1,
          provenance: { scenePrompt: scene.prompt, style: project.style, seconds: scene.seconds, from },
        });
      }
    }
    const jobs = await session.engine.enqueue(specs);
    await session.store.clearSceneErrors(targets);
    return jobs.map((j) => j.id);
  }
}
