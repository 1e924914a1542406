// Live pictures on the screen: the call's, and the camera self-test's in admin mode. The kiosk
// sends packets through one channel (see src-tauri/src/live_video.rs). The first byte says which:
// - 1 (VP8) or 2 (H.264): one of the doctor's frames, still encoded
//   (station_call::RemoteVideo::to_packet): flags byte (bit 0: key frame), timestamp in µs
//   (u64 LE), data. WebCodecs decodes them; each picture is drawn on <canvas id="doctor-video">.
// - 3: the resident's own small picture (station_call::self_view::SelfView::to_packet): a zero
//   byte, width and height (u16 LE), grey pixels. It is painted, mirrored like a looking glass,
//   in the lower right corner of the doctor's picture ("the doctor large, the resident small");
//   in admin mode the same pictures fill <canvas id="camera-preview"> (the camera's self-test).
// Decoding goes on while the resident measures, so the picture is there again on return.
// Nothing is kept after the call screen: the last self-view is dropped with the page's state.
"use strict";

const CODECS = { 1: "vp8", 2: "avc1.42e01f" };
const HEADER = 10;
const SELF_VIEW = 3;
const SELF_HEADER = 6;
// The self-view's width as a share of the doctor's picture, and its margin.
const SELF_SHARE = 0.28;
const SELF_MARGIN = 0.03;

// Read by tests and figures (frames in, pictures drawn); no pixels.
const counts = { framesIn: 0, framesDrawn: 0, decodeErrors: 0 };
window.stationDoctorVideo = counts;
const selfCounts = { picturesIn: 0, picturesDrawn: 0 };
window.stationSelfView = selfCounts;

// The newest self-view, as a small canvas of its own (not in the page), tied to the call
// screen's canvas it was taken for: once that screen is gone, so is the picture (checked each
// second), and no later screen can show an earlier resident.
let selfPicture = null;
let selfOwner = null;
setInterval(() => {
  if (selfPicture && doctorCanvas() !== selfOwner) {
    selfPicture = null;
    selfOwner = null;
  }
}, 1000);

function doctorCanvas() {
  return document.getElementById("doctor-video");
}

function drawSelfView(canvas) {
  if (!selfPicture || !canvas || canvas !== selfOwner) return;
  const ctx = canvas.getContext("2d");
  const w = Math.round(canvas.width * SELF_SHARE);
  const h = Math.round((w * selfPicture.height) / selfPicture.width);
  const margin = Math.round(canvas.width * SELF_MARGIN);
  const x = canvas.width - w - margin;
  const y = canvas.height - h - margin;
  ctx.save();
  // Mirrored: the resident moves left, their picture moves left.
  ctx.translate(x + w, y);
  ctx.scale(-1, 1);
  ctx.drawImage(selfPicture, 0, 0, w, h);
  ctx.restore();
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = Math.max(2, Math.round(canvas.width / 200));
  ctx.strokeRect(x, y, w, h);
  selfCounts.picturesDrawn += 1;
}

// The camera self-test's picture: the whole canvas, mirrored like the self-view.
function drawPreview(canvas, picture) {
  const ctx = canvas.getContext("2d");
  ctx.save();
  ctx.translate(canvas.width, 0);
  ctx.scale(-1, 1);
  ctx.drawImage(picture, 0, 0, canvas.width, canvas.height);
  ctx.restore();
  selfCounts.picturesDrawn += 1;
}

function onSelfView(buffer) {
  if (buffer.byteLength <= SELF_HEADER) return;
  const head = new DataView(buffer);
  const width = head.getUint16(2, true);
  const height = head.getUint16(4, true);
  const grey = new Uint8Array(buffer, SELF_HEADER);
  if (width === 0 || height === 0 || grey.length < width * height) return;
  selfCounts.picturesIn += 1;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = grey[i];
    rgba[4 * i + 3] = 255;
  }
  if (!selfPicture || selfPicture.width !== width || selfPicture.height !== height) {
    selfPicture = document.createElement("canvas");
    selfPicture.width = width;
    selfPicture.height = height;
  }
  selfPicture.getContext("2d").putImageData(new ImageData(rgba, width, height), 0, 0);
  const preview = document.getElementById("camera-preview");
  if (preview) {
    drawPreview(preview, selfPicture);
    selfPicture = null;
    return;
  }
  selfOwner = doctorCanvas();
  drawSelfView(selfOwner);
}

let decoder = null;
let codec = null;
let needKey = true;

function draw(picture) {
  const canvas = doctorCanvas();
  if (canvas) {
    if (canvas.width !== picture.displayWidth || canvas.height !== picture.displayHeight) {
      canvas.width = picture.displayWidth;
      canvas.height = picture.displayHeight;
    }
    canvas.getContext("2d").drawImage(picture, 0, 0);
    counts.framesDrawn += 1;
    drawSelfView(canvas);
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
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
  if (new DataView(buffer).getUint8(0) === SELF_VIEW) {
    onSelfView(buffer);
    return;
  }
  if (buffer.byteLength <= HEADER || typeof VideoDecoder === "undefined") return;
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
  if (!core) return;
  const packets = new core.Channel();
  packets.onmessage = onPacket;
  await core.invoke("watch_live_video", { packets });
}

watch();
