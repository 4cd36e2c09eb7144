// Draws an application-menu template (electron/menu.ts) as HTML, every menu open side by side, so a
// screenshot shows what the menu bar holds: Chromium under Playwright has no native menu bar to capture.
import type { MenuItemConstructorOptions } from 'electron';

/** The labels Electron gives role items on Linux and Windows (and macOS, where they differ little). */
const ROLE_LABELS: Record<string, string> = {
  cut: 'Cut', copy: 'Copy', paste: 'Paste', pasteAndMatchStyle: 'Paste and Match Style', delete: 'Delete', selectAll: 'Select All',
  reload: 'Reload', toggleDevTools: 'Toggle Developer Tools', resetZoom: 'Actual Size', zoomIn: 'Zoom In', zoomOut: 'Zoom Out',
  togglefullscreen: 'Toggle Full Screen', quit: 'Quit', about: 'About Storyreel', services: 'Services', hide: 'Hide Storyreel',
  hideOthers: 'Hide Others', unhide: 'Show All', windowMenu: 'Window', help: 'Help',
};
const ROLE_KEYS: Record<string, string> = { cut: 'CmdOrCtrl+X', copy: 'CmdOrCtrl+C', paste: 'CmdOrCtrl+V', selectAll: 'CmdOrCtrl+A', resetZoom: 'CmdOrCtrl+0', zoomIn: 'CmdOrCtrl+Plus', zoomOut: 'CmdOrCtrl+-', togglefullscreen: 'F11', quit: 'CmdOrCtrl+Q', reload: 'CmdOrCtrl+R', toggleDevTools: 'Ctrl+Shift+I' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (i: MenuItemConstructorOptions, mac: boolean) => (i.label ?? ROLE_LABELS[i.role ?? ''] ?? i.role ?? '').replace(mac ? /$^/ : /&(&)?/g, (_m, amp: string | undefined) => amp ?? '');
const keys = (a: string | undefined, mac: boolean) => (a ? a.replace('CmdOrCtrl', mac ? '⌘' : 'Ctrl').replace('Cmd', '⌘').replace('Shift', mac ? '⇧' : 'Shift') : '');

function items(list: MenuItemConstructorOptions[], mac: boolean): string {
  return list
    .map((i) => {
      if (i.type === 'separator') return '<li class="sep"></li>';
      const sub = Array.isArray(i.submenu) ? `<ul class="sub">${items(i.submenu, mac)}</ul>` : '';
      const key = keys((i.accelerator as string | undefined) ?? ROLE_KEYS[i.role ?? ''], mac);
      return `<li class="${i.enabled === false ? 'off' : ''}"><span>${esc(label(i, mac))}</span><kbd>${esc(key)}</kbd>${sub ? '<span class="more">▸</span>' : ''}${sub}</li>`;
    })
    .join('');
}

export function menuHtml(templates: Array<{ caption: string; mac: boolean; template: MenuItemConstructorOptions[] }>): string {
  const css = `body{margin:0;padding:16px;background:#2b2f37;font:13px system-ui,sans-serif;color:#e8eaee}
h2{font-size:13px;margin:18px 0 6px;color:#aab}.bar{display:flex;gap:2px;background:#1c1f25;padding:4px 6px;border-radius:6px 6px 0 0}
.bar b{padding:3px 10px;font-weight:500}.menus{display:flex;gap:10px;align-items:flex-start;flex-wrap:wrap;margin-top:6px}
ul{list-style:none;margin:0;padding:4px 0;background:#f4f5f7;color:#1d2026;border-radius:6px;box-shadow:0 6px 20px rgba(0,0,0,.45);min-width:230px}
li{display:flex;gap:18px;padding:4px 14px;align-items:center;flex-wrap:wrap}li.off{color:#9a9ea8}li.sep{padding:0;margin:4px 0;border-top:1px solid #d5d8de}
kbd{margin-left:auto;font:12px system-ui;color:#5c6270}.more{color:#5c6270}.sub{flex-basis:100%;margin:4px 0 4px 12px;min-width:0;box-shadow:none;border:1px solid #d5d8de}
.col h3{margin:0 0 4px;font-size:12px;color:#cfd3da}`;
  const blocks = templates
    .map(({ caption, mac, template }) => {
      const bar = template.map((m) => `<b>${esc(label(m, mac))}</b>`).join('');
      // A role menu without items (macOS's Window menu) is filled by the system.
      const body = (m: MenuItemConstructorOptions) => (Array.isArray(m.submenu) ? items(m.submenu, mac) : '<li class="off"><span>Minimize, Zoom, Bring All to Front (from the system)</span></li>');
      const menus = template.map((m) => `<div class="col"><h3>${esc(label(m, mac))}</h3><ul>${body(m)}</ul></div>`).join('');
      return `<h2>${esc(caption)}</h2><div class="bar">${bar}</div><div class="menus">${menus}</div>`;
    })
    .join('');
  return `<!doctype html><meta charset="utf-8"><style>${css}</style>${blocks}`;
}
