// The help text and the usage lines. Imported by the entry (electron/cli.ts) statically, so it may use
// nothing but Node built-ins: --help and --version must not load the services.
import { readFileSync } from 'node:fs';

/** The one-line usage of each command, printed with every usage error (exit 2). */
export const USAGE: Record<string, string> = {
  init: 'storyreel init <project-dir> [--title T]',
  render: 'storyreel render <project-dir> [--out FILE] [--provider ID] [--model NAME] [--yes | --max-spend USD] [--save] [options]',
  package: 'storyreel package <project-dir> [--out DIR] [--fps N]',
  export: 'storyreel export <project-dir> [--out FILE] [--preset 16:9|9:16|1:1] [--fit|--fill] [--quality draft|standard|high] [--loudnorm [LUFS]] [--music FILE] [--captions srt|burn] [--package DIR]',
  import: 'storyreel import <project-dir> <shot-list-file> [--after N]',
  generate: 'storyreel generate <project-dir> [--scenes 1,3-5] [--takes N] [--max-spend USD]',
  models: 'storyreel models [--provider ID] [--refresh openrouter] [--base-url URL]',
};

export const HELP = `storyreel — storyboard → AI video jobs → one stitched MP4

Usage:
  storyreel init <project-dir> [--title T]
      Create an empty project (project.json, media/, exports/) in a new or empty folder.

  storyreel render <project-dir> [options]
      Generate every scene that has no chosen take, wait for the jobs, download the takes,
      and export the film. Unfinished jobs from an earlier run are resumed first, never resent.
      --out FILE            where to write the MP4 (default: <project-dir>/exports/<title>-<time>.mp4);
                            its folder must exist (checked before anything is generated)
      --provider ID         preview (offline, free) | openai-videos | fal | gemini | ark | openrouter
                            (default: the project's own; a new project is on preview)
      --model NAME          model for the provider (gateways accept any name)
      --save                keep --provider and --model (and the size they need) in project.json;
                            without it they apply to this run only
      --yes, -y             agree to the estimate without being asked (needed for paid work when not
                            on a terminal, unless --max-spend is given)
      --max-spend USD       refuse to submit work that would bring this project's spend over USD (also
                            counts as your yes to paid work within that cap)
      --base-url URL        the provider's base URL (or OPENAI_BASE_URL, FAL_BASE_URL, GEMINI_BASE_URL,
                            ARK_BASE_URL, OPENROUTER_BASE_URL); https://, or http:// on this computer only.
                            The key is sent to this address and nowhere else.
      --region R            ark: cn for Volcengine Ark (https://ark.cn-beijing.volces.com/api/v3);
                            default byteplus (https://ark.ap-southeast.bytepluses.com/api/v3)
      --header 'Name: v'    extra header on every request to the gateway (repeatable), e.g.
                            --header 'x-route: team-a'. Values are never printed or logged.
      --auth-header H       how the key is sent: bearer (Authorization: Bearer, default) | api-key
      --query name=value    default query parameter on every request (repeatable), e.g.
                            --query api-version=2025-04-01
      --price-per-second USD  price of a gateway model Storyreel does not know (--model), for the
                            estimate and --max-spend; without it such a model is priced like sora-2
      --durations 5,10      clip lengths (s) that model accepts (default: sora-2's 4,8,12)
      --sizes 1280x720,...  sizes that model accepts (default: sora-2's 1280x720,720x1280)
      --concurrency N       jobs at once (1-8)
      --no-export           generate and download only
      --resend-unknown      send again the scenes whose earlier create could not be confirmed (the
                            provider may already have them: they may be billed twice)
      --force-unlock        open the project even though Storyreel on another computer holds its lock
                            (only when that computer is off or done with it)

  storyreel export <project-dir> [--out FILE] [--preset 16:9|9:16|1:1] [--fit|--fill] [--quality draft|standard|high]
                   [--loudnorm [LUFS]] [--music FILE] [--captions srt|burn] [--package DIR]
      Export the chosen takes (trims and transitions included) without generating anything; prints
      how each scene is made (copied, re-encoded in a window, conformed) and why.
      --loudnorm [LUFS]     bring the film to a loudness target in two passes (default -14; -16, -23)
      --music FILE          a music bed under the film, faded in and out, lowered under the scenes' sound
      --captions srt|burn   the captions as .srt/.vtt beside the MP4, or drawn onto the picture
      --package DIR         also write a conform package for an editor into the new folder DIR

  storyreel package <project-dir> [--out DIR] [--fps N]
      Write a conform package for an editor (the chosen takes, the cut as OTIO, FCPXML, Premiere XML
      and EDL, the captions as SRT/VTT): storyreel package --help.

  storyreel import <project-dir> <shot-list-file> [--after N]
      Add one scene per shot of a plain-text or Markdown shot list (paragraphs, numbered items,
      headings, or numbered bold titles with Shot:/镜头 lines). [8s] sets a shot's length.

  storyreel generate <project-dir> [--scenes 1,3-5] [--takes N] [--max-spend USD]
      Generate the named scenes (default: every scene without a chosen take), N takes each, and
      wait for them; nothing is exported.

  storyreel models [--provider ID] [--refresh openrouter] [--base-url URL]
      List the models Storyreel knows: lengths, sizes, price per second and when it was read.
      --refresh openrouter reads OpenRouter's live list (durations, resolutions, prices) with
      OPENROUTER_API_KEY (at OPENROUTER_BASE_URL or --base-url), says what changed, and keeps it in
      STORYREEL_CATALOG_DIR (default ~/.config/storyreel/catalog) for the estimates of later runs.

  storyreel --help | --version

Keys (openai-videos): OPENAI_API_KEY or STORYREEL_API_KEY, from the environment or a .env file in the
current folder or the project folder, e.g. OPENAI_API_KEY=sk-… storyreel render my-film
(fal: FAL_KEY, gemini: GEMINI_API_KEY, ark: ARK_API_KEY, openrouter: OPENROUTER_API_KEY).
Keys are never written to the project, logs or output.

Exit codes: 0 done · 1 a scene failed or bad input (each failed scene is named with the reason) ·
2 the command line needs fixing (unknown option, missing or bad value, paid work without --yes) ·
75 jobs are kept for later: the provider could not be reached (the host is named), or a create could not
be confirmed (run again to check again, or add --resend-unknown) · 130 interrupted (jobs kept; run again).
`;

export function version(): string {
  // From the bundle (dist-cli/cli.mjs) package.json is one folder up; from the source (electron/cli/) two.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'storyreel') return pkg.version;
    } catch {
      // not here; try one folder up
    }
  }
  return '0.0.0';
}
