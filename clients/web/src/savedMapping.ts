/**
 * Saved mappings in the page (docs/mappings.md): when the user imports with a mapping they chose
 * in the dropdowns (and "Remember this mapping" is ticked), it is saved as theirs for that header
 * row and model; the next file with the same header row is checked with it, and the page says
 * "saved mapping from <date>" with a way to use the detected mapping instead or to forget it.
 * The lookup and the save are the engine's (clients/ingest/savedMappings.ts); the fingerprint's
 * SHA-256 is Web Crypto's where the page has it.
 */
import type { GraphQLClient } from '../../api/client';
import { DeleteMappingDocument, type ModelName } from '../../api/generated';
import { MODELS, describeSendError, findSavedMapping, hasherDigest, saveMapping, savedAt, type Inspection, type SavedMappingMatch, type SavedMappingUse, type Sha256Digest } from '../../ingest/index';
import { browserSha256 } from './browser';
import { byId, el, fill } from './dom';

/**
 * SHA-256 for fingerprints: Web Crypto's `subtle.digest`, which a browser offers only in a secure
 * context (https, or http on localhost); elsewhere (the page served over plain http on a LAN
 * address) the streaming implementation the page already uses for file hashes.
 */
export const pageDigest: Sha256Digest = async (bytes) => {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return hasherDigest(browserSha256)(bytes);
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
};

/**
 * The engine's `savedMapping` option for the signed-in user: their saved mapping for the header
 * row, any model. A lookup that fails is said in `#saved-mapping` and the headers decide.
 */
export function savedMappingLookup(client: GraphQLClient): (headers: string[]) => Promise<SavedMappingMatch | null> {
  return async (headers) => {
    try {
      return await findSavedMapping(client, headers, MODELS, pageDigest);
    } catch (error) {
      const box = byId('saved-mapping');
      fill(box, el('strong', {}, 'Your saved mappings could not be looked up. '), `${describeSendError(error)} The columns are mapped by their headers.`);
      box.className = 'notice partial';
      box.hidden = false;
      return null;
    }
  };
}

export interface SavedMappingActions {
  /** Check the file again without the saved mapping. */
  useDetected(): void;
  /** Check the file again with the saved mapping. */
  useSaved(): void;
  /** The saved mapping was deleted: check the file again. */
  forgotten(match: SavedMappingMatch): void;
}

/** Where the user's saved mapping stands for the file on screen. */
export interface SavedMappingState {
  /** What the check did with the saved mapping it found (applied, or not usable). */
  saved: SavedMappingUse | null;
  /** Found but set aside by the user for this file. */
  ignored: SavedMappingMatch | null;
  /** Deleted by the user just before this check. */
  forgotten: SavedMappingMatch | null;
}

function button(id: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', id, class: 'quiet' }, text);
  b.addEventListener('click', onClick);
  return b;
}

/** Deletes the saved mapping, then calls `done`; a failure is said in the box. */
async function forget(client: GraphQLClient, match: SavedMappingMatch, done: (match: SavedMappingMatch) => void): Promise<void> {
  const box = byId('saved-mapping');
  try {
    await client.request(DeleteMappingDocument, { fingerprint: match.fingerprint, model: match.model.apiName as ModelName });
    done(match);
  } catch (error) {
    fill(box, el('strong', {}, 'The saved mapping could not be forgotten. '), describeSendError(error));
    box.className = 'notice error';
  }
}

/**
 * What the page says about the user's saved mapping for this file: applied ("saved mapping from
 * <date>", use the detected one instead, forget it), set aside by the user (use it again), not
 * usable any more (why, forget it), or just forgotten. Hidden when there is none.
 */
export function showSavedMapping(state: SavedMappingState, client: GraphQLClient | null, actions: SavedMappingActions): void {
  const { saved, ignored, forgotten } = state;
  const box = byId('saved-mapping');
  box.hidden = true;
  if (!client) return;
  if (saved?.applied) {
    const when = savedAt(saved.match.updatedAt);
    fill(
      box,
      el('strong', {}, `Using your saved mapping from ${when}`),
      ` for files with these columns (${saved.match.model.label.toLowerCase()}). Change a field below to override it. `,
      el('span', { class: 'actions' }, button('use-detected', 'Use the detected mapping', actions.useDetected), ' ', button('forget-mapping', 'Forget this mapping', () => void forget(client, saved.match, actions.forgotten))),
    );
    box.className = 'notice saved';
    box.dataset.savedAt = when;
    box.hidden = false;
  } else if (saved) {
    fill(box, el('strong', {}, 'Your saved mapping was not used. '), `${saved.problem?.replace(/^your saved mapping from [^:]+ was not used: /, 'It ')}.`, ' ', button('forget-mapping', 'Forget it', () => void forget(client, saved.match, actions.forgotten)));
    box.className = 'notice partial';
    box.hidden = false;
  } else if (ignored) {
    fill(box, `Not using your saved mapping from ${savedAt(ignored.updatedAt)} for this file. `, button('use-saved', 'Use it', actions.useSaved));
    box.className = 'notice stopped';
    box.hidden = false;
  } else if (forgotten) {
    fill(box, `Your saved mapping from ${savedAt(forgotten.updatedAt)} is forgotten: files with these columns are mapped by their headers again.`);
    box.className = 'notice stopped';
    box.hidden = false;
  }
}

/**
 * Saves the mapping the import uses as the user's for this header row, saying so next to the
 * Import button (a failure does not stop the import: it is only not remembered).
 */
export async function rememberMapping(client: GraphQLClient, inspection: Inspection): Promise<void> {
  const note = byId('mapping-saved');
  try {
    const saved = await saveMapping(client, inspection.mapping, pageDigest);
    fill(note, `Saved as your mapping for files with these columns (${saved.model.label.toLowerCase()}, ${savedAt(saved.updatedAt)}): it is applied the next time.`);
    note.dataset.saved = saved.fingerprint;
  } catch (error) {
    fill(note, `This mapping could not be saved: ${error instanceof Error && error.name === 'MappingNotSavableError' ? error.message.replace(/^the mapping cannot be saved: /, '') : describeSendError(error)}. The import goes on with it.`);
    delete note.dataset.saved;
  }
}
