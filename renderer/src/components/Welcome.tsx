// No project open: start a new film, open one, or go back to a recent one.
import { useEffect } from 'react';
import { openProject } from '../actions.ts';
import { askNewProject, forgetRecent, openRecent, refreshRecent, useProjects } from '../projects.ts';
import { Icon } from './ui.tsx';

export function Welcome() {
  useEffect(() => void refreshRecent(), []);
  return (
    <main className="welcome">
      <div className="welcome-card">
        <h1>Plan your film as a storyboard</h1>
        <p className="muted">
          Write a prompt per scene, generate each one (the offline Preview provider costs nothing), pick the best take, and export one MP4.
        </p>
        <div className="welcome-actions">
          <button type="button" className="btn btn-primary" data-testid="welcome-new" onClick={askNewProject}>
            New project…
          </button>
          <button type="button" className="btn" data-testid="welcome-open" onClick={() => void openProject()}>
            Open project…
          </button>
        </div>
        <RecentList />
      </div>
    </main>
  );
}

function RecentList() {
  const recent = useProjects((s) => s.recent);
  if (!recent?.length) return null;
  return (
    <section className="recent" aria-labelledby="recent-title">
      <h2 id="recent-title" className="section-title">
        Recent projects
      </h2>
      <ul className="recent-list" data-testid="recent-projects">
        {recent.map((r) => (
          <li key={r.dir} className="recent-item">
            <button type="button" className="recent-open" data-testid="recent-project" title={r.dir} onClick={() => void openRecent(r.dir)}>
              <span className="recent-title">
                <bdi>{r.title || 'Untitled film'}</bdi>
              </span>
              <span className="recent-dir muted small">
                <bdi>{r.dir}</bdi>
              </span>
            </button>
            <button type="button" className="icon-btn" aria-label={`Remove ${r.title} from the list`} title="Remove from the list (the project stays on disk)" onClick={() => void forgetRecent(r.dir)}>
              <Icon name="close" />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
