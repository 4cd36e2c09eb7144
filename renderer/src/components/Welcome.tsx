// No project open yet.
import { createProject, openProject } from '../actions.ts';

export function Welcome() {
  return (
    <main className="welcome">
      <div className="welcome-card">
        <h1>Plan your film as a storyboard</h1>
        <p className="muted">
          Write a prompt per scene, generate each one (the offline Preview provider costs nothing), pick the best take, and export one MP4.
        </p>
        <div className="welcome-actions">
          <button type="button" className="btn btn-primary" onClick={() => void createProject()}>
            New project…
          </button>
          <button type="button" className="btn" onClick={() => void openProject()}>
            Open project…
          </button>
        </div>
      </div>
    </main>
  );
}
