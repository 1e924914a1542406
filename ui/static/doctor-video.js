// The doctor's video on the call screen. During a call the kiosk sends each of the doctor's
// frames still encoded (VP8 or H.264; see station_call::RemoteVideo::to_packet): codec byte,
// flags byte (bit 0: key frame), timestamp in µs (u64 LE), data. WebCodecs decodes them here and
// each picture is drawn on <canvas id="doctor-video"> when the call screen shows it. Decoding
// goes on while the resident measures, so the picture is there again on return. Nothing is kept.
"use strict";

const CODECS = { 1: "vp8", 2: "avc1.42e01f" };
const HEADER = 10;

// Read by tests and figures (frames in, pictures drawn); no pixels.
const counts = { framesIn: 0, framesDrawn: 0, decodeErrors: 0 };
window.stationDoctorVideo = counts;

let decoder = null;
let codec = null;
let needKey = true;

function draw(picture) {
  const canvas = document.getElementById("doctor-video");
  if (canvas) {
    if (canvas.width !== picture.displayWidth || canvas.height !== picture.displayHeight) {
      canvas.width = picture.displayWidth;
      canvas.height = picture.displayHeight;
    }
    canvas.getContext("2d").drawImage(picture, 0, 0);
    counts.framesDrawn += 1;
  }
  picture.close();
}

function restart(name) {
  if (decoder && decoder.state !== "closed") decoder.close();
  codec = name;
  needKey = true;
  decoder = new VideoDecoder({
    output: draw,
    error: () => {
      // A broken frame: start again at the next key frame.
      counts.decodeErrors += 1;
      decoder = null;
    },
  });
  decoder.configure({ codec: name, optimizeForLatency: true });
}

function onPacket(buffer) {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength <= HEADER) return;
  const head = new DataView(buffer);
  const name = CODECS[head.getUint8(0)];
  if (!name) return;
  const key = (head.getUint8(1) & 1) === 1;
  counts.framesIn += 1;
  if (!decoder || decoder.state === "closed" || codec !== name) {
    if (!key) return;
    restart(name);
  }
  if (needKey && !key) return;
  needKey = false;
  try {
    decoder.decode(
      new EncodedVideoChunk({
        type: key ? "key" : "delta",
        timestamp: Number(head.getBigUint64(2, true)),
        data: new Uint8Array(buffer, HEADER),
      }),
    );
  } catch (e) {
    counts.decodeErrors += 1;
    needKey = true;
  }
}

async function watch() {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core || typeof VideoDecoder === "undefined") return;
  const frames = new core.Channel();
  frames.onmessage = onPacket;
  await core.invoke("watch_doctor_video", { frames });
}

watch();
