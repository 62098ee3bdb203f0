// getFile: a stored file's path for the download route; bots may not download over 20 MB.

import { badRequest } from '../api-error.ts';
import type { SimState } from '../sim-state.ts';
import type { MethodTable } from './types.ts';

/** Handlers for files. */
export function createFileMethods(state: SimState): MethodTable {
  return {
    getFile({ params }) {
      const file = state.files.byId(String(params.file_id));
      if (!file) throw badRequest('invalid file_id');
      if (file.size > state.options.maxDownloadBytes) throw badRequest('file is too big');
      const result: Record<string, unknown> = { file_id: file.fileId, file_unique_id: file.fileUniqueId };
      if (file.size > 0) result.file_size = file.size;
      result.file_path = file.filePath;
      return result;
    },
  };
}
