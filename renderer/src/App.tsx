import { ConfirmCancel } from './components/ConfirmCancel.tsx';
import { ConfirmDelete } from './components/ConfirmDelete.tsx';
import { ConfirmSpend } from './components/ConfirmSpend.tsx';
import { FfmpegBanner } from './components/FfmpegBanner.tsx';
import { Header } from './components/Header.tsx';
import { Inspector } from './components/Inspector.tsx';
import { NewProjectDialog } from './components/NewProjectDialog.tsx';
import { SceneEditor } from './components/SceneEditor.tsx';
import { Timeline } from './components/Timeline.tsx';
import { Toasts } from './components/Toasts.tsx';
import { UpdateNotice } from './components/UpdateNotice.tsx';
import { Welcome } from './components/Welcome.tsx';
import { useMenuCommands } from './menu-commands.ts';
import { useStore } from './store.ts';

export function App() {
  const ready = useStore((s) => s.ready);
  const hasProject = useStore((s) => s.view !== null);
  useMenuCommands();
  return (
    <div className="app">
      <Header />
      <FfmpegBanner />
      <UpdateNotice />
      {!ready ? (
        <div className="loading" role="status">
          Opening project…
        </div>
      ) : hasProject ? (
        <div className="workspace">
          <main className="main-column">
            <Timeline />
            <SceneEditor />
          </main>
          <Inspector />
        </div>
      ) : (
        <Welcome />
      )}
      <ConfirmDelete />
      <ConfirmSpend />
      <ConfirmCancel />
      <NewProjectDialog />
      <Toasts />
    </div>
  );
}
