// Run a TF.js graph model with the official pure-JS CPU backend and dump chosen node values.
//
// The independent oracle for our PyTorch ports: tools/make_oracle_fixtures.py writes a request,
// runs this with NODE_PATH pointing at an `npm install @tensorflow/tfjs@4` tree, and packs the
// answer into an .npz (input/<placeholder>, output/<node>).
//
// usage: node tools/tfjs_oracle.cjs REQUEST.json
// REQUEST: {"model": "<dir>/NAME.json",
//           "inputs": {"<placeholder>": {"file": "x.bin", "dtype": "int32|float32", "shape": [..]}},
//           "outputs": ["<node name>", ...], "out_dir": "<dir>"}
// Writes out_dir/<k>.bin (float32 or int32 little endian) and out_dir/answer.json.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

async function loadGraph(modelJsonPath) {
  const model = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
  const dir = path.dirname(modelJsonPath);
  const specs = [];
  const shards = [];
  for (const group of model.weightsManifest) {
    for (const p of group.paths) shards.push(fs.readFileSync(path.join(dir, p)));
    specs.push(...group.weights);
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const handler = {
    load: async () => ({
      modelTopology: model.modelTopology,
      format: model.format,
      generatedBy: model.generatedBy,
      convertedBy: model.convertedBy,
      signature: model.signature,
      weightSpecs: specs,
      weightData,
    }),
  };
  return tf.loadGraphModel(handler);
}

function readInput(spec, baseDir) {
  const buf = fs.readFileSync(path.resolve(baseDir, spec.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = spec.dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab);
  return tf.tensor(data, spec.shape, spec.dtype);
}

async function main() {
  const requestPath = process.argv[2];
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const baseDir = path.dirname(requestPath);
  await tf.setBackend('cpu');
  const graph = await loadGraph(request.model);
  const feeds = {};
  for (const [name, spec] of Object.entries(request.inputs)) feeds[name] = readInput(spec, baseDir);
  const results = await graph.executeAsync(feeds, request.outputs);
  const tensors = Array.isArray(results) ? results : [results];
  const answer = {backend: tf.getBackend(), tfjs: tf.version.tfjs, outputs: {}};
  fs.mkdirSync(request.out_dir, {recursive: true});
  for (let k = 0; k < tensors.length; k++) {
    const t = tensors[k];
    const data = await t.data();
    const file = `${k}.bin`;
    fs.writeFileSync(path.join(request.out_dir, file), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    answer.outputs[request.outputs[k]] = {file, dtype: t.dtype, shape: t.shape};
  }
  fs.writeFileSync(path.join(request.out_dir, 'answer.json'), JSON.stringify(answer, null, 1));
}

main().catch((err) => { console.error(err); process.exit(1); });
