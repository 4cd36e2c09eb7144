// A new project starts with its title: asked here, before main asks where to save it (the folder is named
// after the title). Enter creates; Escape or Cancel does nothing.
import { useRef, useState } from 'react';
import { cancelNewProject, createTitledProject, useProjects } from '../projects.ts';
import { Modal } from './Modal.tsx';

export function NewProjectDialog() {
  const asking = useProjects((s) => s.asking);
  if (!asking) return null;
  return <TitleForm />;
}

function TitleForm() {
  const [title, setTitle] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <Modal titleId="new-project-title" bodyId="new-project-body" testId="new-project" initialFocus={inputRef} onClose={cancelNewProject}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void createTitledProject(title);
        }}
      >
        <h2 id="new-project-title">New project</h2>
        <p id="new-project-body" className="muted small">
          Name your film. Next you choose where its folder goes; it is named after the title.
        </p>
        <label className="field-label new-project-label" htmlFor="new-project-name">
          Title
        </label>
        <input
          ref={inputRef}
          id="new-project-name"
          className="input"
          data-testid="new-project-title"
          placeholder="Untitled film"
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <div className="modal-actions">
          <button type="button" className="btn" data-testid="new-project-cancel" onClick={cancelNewProject}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="new-project-create">
            Create…
          </button>
        </div>
      </form>
    </Modal>
  );
}
