// Shown instead of the app when there is no back end to talk to.
export function StartupError({ reason }: { reason: string }) {
  return (
    <main className="startup-error" role="alert" data-testid="error-banner">
      <div className="startup-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Storyreel
        </div>
        <h1>Storyreel cannot start here</h1>
        <p>{reason}</p>
        <p className="muted">Start Storyreel from its app icon, or open the address the test bridge printed (it ends in “?token=…”).</p>
      </div>
    </main>
  );
}
