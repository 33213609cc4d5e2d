// Image vectors end to end: a served recgraph (real Postgres + Qdrant) whose items point at generated images —
// local files and http URLs of a server this test runs on 127.0.0.1, some unreachable, slow, broken or in an
// unsupported format — trained with the tiny ONNX image encoder the tests build (tests/helpers/tiny-image-encoder.ts).
// similarItems IMAGE answers from items_image, HYBRID fuses it in, and a version trained without images takes the
// image alias away again.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { publishedVersion, activeVersion } from '../../src/db/model-versions.js';
import { createRecgraphClient } from '../../src/sdk/index.js';
import { aliasName } from '../../src/vector/collections.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';
import { jpegOf, pngOf, writeTinyImageEncoder } from '../helpers/tiny-image-encoder.js';

const RED: [number, number, number] = [220, 30, 30];
const BLUE: [number, number, number] = [30, 40, 220];

let served: ServedApp;
let dir: string;
let modelDir: string;
let imageServer: http.Server;
let origin: string;
/** external id → what its imageUrl is */
const pictures = new Map<string, string>();

interface ListItem {
  item: { id: string };
  source: string;
}
interface List {
  strategy: string;
  reason: string | null;
  items: ListItem[];
}

const similar = async (id: string, mode: string): Promise<List> => {
  const response = await served.graphql<{ similarItems: List }>(
    `query($id: ID!) { similarItems(itemId: $id, mode: ${mode}, first: 20) { strategy reason items { item { id } source } } }`,
    { id },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.similarItems;
};

const train = (imageModelPath: string | undefined) =>
  trainAndPublish(served.pool, served.app.vectorStore, createLogger('silent'), {
    dataDir: served.config.dataDir,
    prefix: served.config.collectionPrefix,
    params: { factors: 16, iterations: 4 },
    imageModelPath,
    imageFetch: { timeoutMs: 500, root: dir },
  });

beforeAll(async () => {
  served = await startServedApp({ train: false, dataset: { seed: 5, items: 120, users: 80, eventsPerUser: 12 } });
  dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-images-'));
  modelDir = await writeTinyImageEncoder(path.join(dir, 'model'));
  imageServer = http.createServer((req, res) => {
    if (req.url === '/red.png') res.writeHead(200, { 'content-type': 'image/png' }).end(pngOf(24, 24, RED, 9));
    else if (req.url === '/slow.png') setTimeout(() => res.writeHead(200).end(pngOf(8, 8, RED, 10)), 3_000).unref();
    else res.writeHead(404).end('no such image');
  });
  await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;

  const ids = served.dataset.items.map((item) => item.externalId);
  // Red and blue pictures of different sizes and formats, relative and absolute paths, file:// and http URLs.
  await writeFile(path.join(dir, 'red-a.png'), pngOf(30, 20, RED, 1));
  await writeFile(path.join(dir, 'red-b.jpg'), jpegOf(17, 33, RED, 2));
  await writeFile(path.join(dir, 'red-c.png'), pngOf(8, 8, RED, 3));
  await writeFile(path.join(dir, 'blue-a.png'), pngOf(25, 25, BLUE, 4));
  await writeFile(path.join(dir, 'blue-b.jpg'), jpegOf(40, 12, BLUE, 5));
  await writeFile(path.join(dir, 'blue-c.jpg'), jpegOf(9, 9, BLUE, 6));
  await writeFile(path.join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]));
  await writeFile(path.join(dir, 'anim.gif'), Buffer.from('GIF89a\x01\x00\x01\x00'));
  const urls = [
    'red-a.png',
    path.join(dir, 'red-b.jpg'),
    `file://${path.join(dir, 'red-c.png')}`,
    `${origin}/red.png`,
    'blue-a.png',
    'blue-b.jpg',
    path.join(dir, 'blue-c.jpg'),
    `${origin}/missing.png`, // 404: unreachable
    `${origin}/slow.png`, // slower than the 500 ms timeout: unreachable
    'no-such-file.png', // unreachable
    'broken.jpg', // undecodable
    'anim.gif', // undecodable (format)
    'ftp://example.invalid/x.png', // unsupported URL (never fetched)
  ];
  for (let k = 0; k < urls.length; k++) {
    pictures.set(ids[k], urls[k]);
    await served.pool.query(`UPDATE items SET image_url = $2 WHERE external_id = $1`, [ids[k], urls[k]]);
  }
}, 180_000);

afterAll(async () => {
  await served?.stop();
  await new Promise((resolve) => imageServer?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('image vectors', () => {
  it('trains items_image from the images it can reach and counts the rest', async () => {
    const version = await train(modelDir);
    const row = await publishedVersion(served.pool, version);
    expect(row?.collections.items_image).toBe(`${served.config.collectionPrefix}items_image__${version}`);
    expect(row?.metrics.images).toEqual({
      withUrl: 13,
      embedded: 7,
      unreachable: 3,
      undecodable: 2,
      tooLarge: 0,
      unsupportedUrl: 1,
    });
    const alias = aliasName('items_image', served.config.collectionPrefix);
    expect(await served.app.vectorStore.resolveAlias(alias)).toBe(row?.collections.items_image);
    expect(await served.app.vectorStore.count(alias)).toBe(7);
  });

  it('similarItems IMAGE ranks same-colour pictures first; HYBRID fuses the image list in', async () => {
    served.app.services.models.invalidate(); // the version trained above, without waiting for the cache's TTL
    const ids = [...pictures.keys()];
    const [redA, , , redHttp, blueA] = ids;
    const reds = new Set(ids.slice(0, 4));
    const blues = new Set(ids.slice(4, 7));

    const image = await similar(redA, 'IMAGE');
    expect(image.strategy).toBe('MODEL');
    expect(image.reason).toBeNull();
    // Only items with an image vector, the query item excluded: the 3 other reds, then the 3 blues.
    expect(image.items.map((e) => e.item.id)).toHaveLength(6);
    expect(new Set(image.items.slice(0, 3).map((e) => e.item.id))).toEqual(
      new Set([...reds].filter((id) => id !== redA)),
    );
    expect(image.items.every((e) => e.source === 'IMAGE')).toBe(true);
    const blue = await similar(blueA, 'IMAGE');
    expect(new Set(blue.items.slice(0, 2).map((e) => e.item.id))).toEqual(
      new Set([...blues].filter((id) => id !== blueA)),
    );
    expect(blue.items.map((e) => e.item.id)).toContain(redHttp);

    const hybrid = await similar(redA, 'HYBRID');
    const sources = new Set(hybrid.items.map((e) => e.source));
    expect(sources.has('IMAGE')).toBe(true);
    expect(sources.has('COLLABORATIVE') || sources.has('SEMANTIC')).toBe(true);

    // The typed SDK speaks the new mode too.
    const sdk = createRecgraphClient({ url: `${served.origin}/graphql` });
    const viaSdk = await sdk.similarItems({ itemId: redA, mode: 'IMAGE', first: 3 });
    expect(viaSdk.items.map((e) => [e.item.id, e.source])).toEqual(
      image.items.slice(0, 3).map((e) => [e.item.id, 'IMAGE']),
    );

    // An item without a picture: IMAGE answers as COLLABORATIVE would, and says why.
    const plain = served.dataset.items[40].externalId;
    const fallback = await similar(plain, 'IMAGE');
    expect(fallback.reason).toMatch(/^no image vector for this item/);
    expect(fallback.items.length).toBeGreaterThan(0);
    expect(fallback.items.every((e) => e.source !== 'IMAGE')).toBe(true);
  });

  it('a version trained without an image model takes the image alias down with its switch', async () => {
    const version = await train(undefined);
    expect(await activeVersion(served.pool)).toBe(version);
    expect(await served.app.vectorStore.resolveAlias(aliasName('items_image', served.config.collectionPrefix))).toBe(
      undefined,
    );
    served.app.services.models.invalidate();
    const redA = [...pictures.keys()][0];
    const list = await similar(redA, 'IMAGE');
    expect(list.reason).toMatch(/^no image vector for this item/);
    expect(list.items.every((e) => e.source !== 'IMAGE')).toBe(true);
  });
});
