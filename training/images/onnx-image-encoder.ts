// A CLIP-style image encoder in ONNX (RECGRAPH_IMAGE_MODEL): a directory with the vision tower's model.onnx
// (or onnx/model.onnx, vision_model.onnx, onnx/vision_model.onnx, as optimum exports it) and its
// preprocessor_config.json. One float input [batch, 3, H, W] (pixel_values), one output [batch, dim]
// (image_embeds when there are several); every vector is L2-normalised, so Qdrant's cosine distance is CLIP's.
import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { l2Normalize } from '../../src/embedding/pooling.js';
import { parsePreprocessing, preprocess, type ImagePreprocessing } from './preprocess.js';
import type { RgbImage } from './decode.js';

export class ImageModelLoadError extends Error {}

const MODEL_FILES = ['model.onnx', 'onnx/model.onnx', 'vision_model.onnx', 'onnx/vision_model.onnx'];
const PREFERRED_OUTPUTS = ['image_embeds', 'pooler_output', 'embeddings'];

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export class OnnxImageEncoder {
  dimension = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly input: string,
    private readonly output: string,
    readonly preprocessing: ImagePreprocessing,
    /** sha256 of model.onnx + preprocessor_config.json: which space the vectors live in. */
    readonly fingerprint: string,
    private readonly batchSize: number,
  ) {}

  static async fromDirectory(dir: string, options: { batchSize?: number; threads?: number } = {}) {
    let modelFile: string | undefined;
    for (const name of MODEL_FILES) if (!modelFile && (await exists(path.join(dir, name)))) modelFile = name;
    if (!modelFile) throw new ImageModelLoadError(`no image model in ${dir} (looked for ${MODEL_FILES.join(', ')})`);
    const configFile = path.join(dir, 'preprocessor_config.json');
    if (!(await exists(configFile))) throw new ImageModelLoadError(`no preprocessor_config.json in ${dir}`);
    const configText = await readFile(configFile, 'utf8');
    let preprocessing: ImagePreprocessing;
    try {
      preprocessing = parsePreprocessing(JSON.parse(configText));
    } catch (error) {
      throw new ImageModelLoadError(`${configFile}: ${(error as Error).message}`);
    }
    const model = await readFile(path.join(dir, modelFile));
    const fingerprint = createHash('sha256').update(model).update(configText).digest('hex').slice(0, 16);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, {
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new ImageModelLoadError(`onnxruntime could not load ${modelFile}: ${(error as Error).message}`);
    }
    const inputs = session.inputMetadata;
    if (inputs.length !== 1)
      throw new ImageModelLoadError(
        `the image model takes ${inputs.map((i) => i.name).join(', ')}: expected one pixel input (export the vision tower alone)`,
      );
    const input = inputs[0];
    if (!input.isTensor || input.type !== 'float32')
      throw new ImageModelLoadError(`image model input "${input.name}" must be float32 [batch, 3, H, W]`);
    const outputs = session.outputNames;
    const output = PREFERRED_OUTPUTS.find((name) => outputs.includes(name)) ?? outputs[0];
    const encoder = new OnnxImageEncoder(
      session,
      input.name,
      output,
      preprocessing,
      fingerprint,
      options.batchSize ?? 16,
    );
    // A probe image: checks the output shape and learns the dimension.
    const probe = { width: 2, height: 2, data: new Uint8Array(12).fill(128) };
    encoder.dimension = (await encoder.encode([probe]))[0].length;
    return encoder;
  }

  /** Unit vectors for `images`, in order. */
  async encode(images: readonly RgbImage[]): Promise<Float32Array[]> {
    const { cropHeight: h, cropWidth: w } = this.preprocessing;
    const out: Float32Array[] = [];
    for (let start = 0; start < images.length; start += this.batchSize) {
      const batch = images.slice(start, start + this.batchSize);
      const pixels = new Float32Array(batch.length * 3 * h * w);
      batch.forEach((image, b) => pixels.set(preprocess(image, this.preprocessing), b * 3 * h * w));
      const result = await this.session.run(
        { [this.input]: new ort.Tensor('float32', pixels, [batch.length, 3, h, w]) },
        [this.output],
      );
      const tensor = result[this.output];
      if (tensor.dims.length !== 2 || Number(tensor.dims[0]) !== batch.length)
        throw new ImageModelLoadError(
          `image model output "${this.output}" has shape [${tensor.dims.join(', ')}], expected [batch, dim]`,
        );
      const dim = Number(tensor.dims[1]);
      const data = tensor.data as Float32Array;
      for (let b = 0; b < batch.length; b++) out.push(l2Normalize(data.slice(b * dim, (b + 1) * dim)));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
