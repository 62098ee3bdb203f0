// Every file the bot or a user sends lives here under a file_id, so it can be re-sent by id,
// fetched with getFile and downloaded. Files given as an http(s) URL are kept as references:
// the simulator never touches the network.

import { createHash } from 'node:crypto';
import { readImageSize } from './image-size.ts';

/** What kind of media a file was stored as. */
export type FileKind = 'photo' | 'document' | 'video' | 'audio' | 'animation' | 'voice' | 'sticker' | 'video_note';

/** One stored file. */
export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  filePath: string;
  size: number;
  mimeType: string;
  fileName: string | undefined;
  width: number | undefined;
  height: number | undefined;
  data: Buffer | undefined;
  url: string | undefined;
}

/** The file registry. */
export interface FileStore {
  putBytes(data: Buffer, meta: { kind: FileKind; fileName?: string | undefined; mimeType?: string | undefined }): StoredFile;
  putUrl(url: string, kind: FileKind): StoredFile;
  byId(fileId: string): StoredFile | undefined;
  byPath(filePath: string): StoredFile | undefined;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf',
  txt: 'text/plain', csv: 'text/csv', json: 'application/json', zip: 'application/zip', mp4: 'video/mp4', mp3: 'audio/mpeg',
  ogg: 'audio/ogg', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', html: 'text/html', xml: 'application/xml',
};

/** Guesses a MIME type from a file name, the way Telegram labels documents. */
export function mimeFromFileName(fileName: string | undefined): string | undefined {
  const extension = fileName?.split('.').pop()?.toLowerCase();
  return extension ? MIME_BY_EXTENSION[extension] : undefined;
}

function sniffImageMime(data: Buffer): string | undefined {
  if (data.length >= 4 && data.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8) return 'image/jpeg';
  if (data.length >= 3 && data.toString('ascii', 0, 3) === 'GIF') return 'image/gif';
  if (data.length >= 12 && data.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

const FOLDER: Record<FileKind, string> = {
  photo: 'photos', document: 'documents', video: 'videos', audio: 'music', animation: 'animations', voice: 'voice',
  sticker: 'stickers', video_note: 'video_notes',
};

/** Creates an empty file store. */
export function createFileStore(): FileStore {
  const files = new Map<string, StoredFile>();
  const paths = new Map<string, StoredFile>();
  let counter = 0;

  const register = (file: Omit<StoredFile, 'fileId' | 'filePath'>, extension: string): StoredFile => {
    counter += 1;
    // Looks like a real file_id (opaque base64url) but stays unique per stored file.
    const fileId = `${file.kind === 'photo' ? 'AgAC' : 'BQAC'}${Buffer.from(`sim:${counter}:${file.fileUniqueId}`).toString('base64url')}`;
    const filePath = `${FOLDER[file.kind]}/file_${counter}.${extension}`;
    const stored: StoredFile = { ...file, fileId, filePath };
    files.set(fileId, stored);
    paths.set(filePath, stored);
    return stored;
  };
  const uniqueId = (seed: Buffer | string): string =>
    `AQAD${createHash('sha256').update(seed).digest('base64url').slice(0, 12)}`;

  return {
    putBytes(data, meta) {
      const imageMime = sniffImageMime(data);
      const mimeType =
        meta.mimeType && meta.mimeType !== 'application/octet-stream'
          ? meta.mimeType
          : (imageMime ?? mimeFromFileName(meta.fileName) ?? 'application/octet-stream');
      const size = meta.kind === 'photo' ? readImageSize(data) : undefined;
      const extension = meta.fileName?.includes('.')
        ? (meta.fileName.split('.').pop() ?? 'bin')
        : meta.kind === 'photo'
          ? mimeType === 'image/png' ? 'png' : 'jpg'
          : 'bin';
      return register(
        {
          fileUniqueId: uniqueId(data),
          kind: meta.kind,
          size: data.length,
          mimeType,
          fileName: meta.fileName,
          width: size?.width,
          height: size?.height,
          data,
          url: undefined,
        },
        extension,
      );
    },
    putUrl(url, kind) {
      const extension = new URL(url).pathname.split('.').pop()?.slice(0, 8) || 'bin';
      return register(
        {
          fileUniqueId: uniqueId(url),
          kind,
          size: 0,
          mimeType: mimeFromFileName(new URL(url).pathname) ?? 'application/octet-stream',
          fileName: new URL(url).pathname.split('/').pop() || undefined,
          width: undefined,
          height: undefined,
          data: undefined,
          url,
        },
        extension,
      );
    },
    byId(fileId) {
      return files.get(fileId);
    },
    byPath(filePath) {
      return paths.get(filePath);
    },
  };
}
