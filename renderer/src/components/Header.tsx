// Top bar: brand, the project's title (editable), how long the film runs, and New/Open while a project is open.
import { timelineOf } from '../lib/film-clock.ts';
import { openProject, updateProject } from '../actions.ts';
import { askNewProject } from '../projects.ts';
import { useDraft } from '../hooks.ts';
import { formatClock } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { DiagnosticsButton } from './Diagnostics.tsx';
import { Icon } from './ui.tsx';

export function Header() {
  const hasProject = useStore((s) => s.view !== null);
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Storyreel
      </div>
      {hasProject && <ProjectTitle />}
      {hasProject && <FilmLength />}
      <div className="spacer" />
      {hasProject && <ProjectDir />}
      {hasProject && (
        <button type="button" className="btn btn-sm btn-ghost" data-testid="header-new-project" title="Start a new film (Ctrl+N)" onClick={askNewProject}>
          New…
        </button>
      )}
      {hasProject && (
        <button type="button" className="btn btn-sm btn-ghost" data-testid="open-project" title="Open another project (Ctrl+O)" onClick={() => void openProject()}>
          <Icon name="folder" />
          Open…
        </button>
      )}
      <DiagnosticsButton />
    </header>
  );
}

function ProjectTitle() {
  const title = useStore((s) => s.view?.project.title ?? '');
  const { draft, change, flush } = useDraft(title, (v) => updateProject({ title: v }));
  return (
    <input
      className="title-input"
      data-testid="project-title"
      aria-label="Project title"
      placeholder="Untitled film"
      maxLength={200}
      value={draft}
      onChange={(e) => change(e.target.value)}
      onBlur={flush}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          flush();
          e.currentTarget.blur();
        }
      }}
    />
  );
}

function FilmLength() {
  const seconds = useStore((s) => (s.view ? timelineOf(s.view.project.scenes).total : 0));
  const count = useStore((s) => s.view?.project.scenes.length ?? 0);
  return (
    <div className="film-length" aria-label={`Film length ${Math.round(seconds)} seconds in ${count} scenes`}>
      <span className="film-clock" data-testid="total-duration">
        {formatClock(seconds)}
      </span>
      <span className="muted">
        {count} {count === 1 ? 'scene' : 'scenes'}
      </span>
    </div>
  );
}

function ProjectDir() {
  const dir = useStore((s) => s.view?.dir ?? '');
  return (
    <span className="project-dir muted" title={dir}>
      <bdi>{dir}</bdi>
    </span>
  );
}
