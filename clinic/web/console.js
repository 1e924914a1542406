// The doctor's desk: sign in, see the group's waiting residents, accept one, talk by video
// (the browser's own WebRTC; the console only relays the offer, answer and candidates), read
// the visit's vitals, write notes and a prescription, hang up. Every word comes from
// /i18n.json (locales/<tag>/clinic.ftl).
"use strict";

let words = {};
let socket = null;
let current = null; // the call in progress: { id }
let pc = null;
let localStream = null;

const $ = (id) => document.getElementById(id);
const t = (key) => words[key] || key;

function say(key, extra) {
  $("message").textContent = t(key) + (extra ? " " + extra : "");
}

async function loadWords() {
  const reply = await fetch("/i18n.json");
  const body = await reply.json();
  words = body.words;
  document.documentElement.lang = body.lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(message));
  }
}

async function signIn(event) {
  event.preventDefault();
  const form = new FormData($("login-form"));
  $("login-error").textContent = "";
  const reply = await fetch("/api/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
  });
  if (reply.ok) {
    const body = await reply.json();
    sessionStorage.setItem("clinic-token", body.token);
    connect(body.token);
  } else if (reply.status === 423) {
    $("login-error").textContent = t("clinic-login-locked");
  } else if (reply.status === 429) {
    $("login-error").textContent = t("clinic-login-throttled");
  } else {
    $("login-error").textContent = t("clinic-login-wrong");
  }
}

function connect(token) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/ws/doctor`);
  socket.onopen = () => send({ type: "auth", token });
  socket.onmessage = (event) => handle(JSON.parse(event.data));
  socket.onclose = () => {
    if (!$("desk").hidden) say("clinic-connection-lost");
  };
}

function signOut() {
  const token = sessionStorage.getItem("clinic-token");
  sessionStorage.removeItem("clinic-token");
  if (socket) socket.close();
  endMedia();
  fetch("/api/logout", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  $("desk").hidden = true;
  $("login").hidden = false;
}

function vitalsRows(body, vitals) {
  for (const v of vitals) {
    const row = body.insertRow();
    // The kiosk names each value in its own words (the station's language, the doctor's).
    row.insertCell().textContent = v.kind;
    row.insertCell().textContent = `${v.value} ${v.unit}`;
    row.insertCell().textContent = v.at;
  }
}

function showQueue(calls) {
  const list = $("calls");
  list.replaceChildren();
  $("queue-empty").hidden = calls.length > 0;
  for (const c of calls) {
    const item = document.createElement("li");
    const title = document.createElement("p");
    const minutes = Math.floor(c.waited_seconds / 60);
    title.textContent = `${c.station} · ${c.resident} · ${t("clinic-waited")} ${minutes} ${t("clinic-minutes")}`;
    const table = document.createElement("table");
    vitalsRows(table.createTBody(), c.vitals);
    const accept = document.createElement("button");
    accept.textContent = t("clinic-accept");
    accept.onclick = () => send({ type: "accept", call: c.call });
    const decline = document.createElement("button");
    decline.className = "secondary";
    decline.textContent = t("clinic-decline");
    decline.onclick = () => send({ type: "decline", call: c.call });
    item.append(title, table, accept, decline);
    list.append(item);
  }
}

function addDrugRow() {
  const row = $("rx").tBodies[0].insertRow();
  for (const field of ["drug", "dose", "quantity", "usage"]) {
    const input = document.createElement("input");
    input.name = field;
    input.setAttribute("aria-label", t("clinic-" + field));
    row.insertCell().append(input);
  }
}

function sendPrescription() {
  const items = [];
  for (const row of $("rx").tBodies[0].rows) {
    const get = (name) => row.querySelector(`[name=${name}]`).value.trim();
    if (get("drug")) {
      items.push({ drug: get("drug"), dose: get("dose"), quantity: get("quantity"), usage: get("usage") });
    }
  }
  if (current && items.length) send({ type: "prescription", call: current.id, items });
}

async function startMedia(call) {
  const config = await (await fetch("/config.json")).json();
  pc = new RTCPeerConnection({
    iceServers: config.ice_servers,
    iceTransportPolicy: config.relay_only ? "relay" : "all",
  });
  pc.onicecandidate = (e) => {
    if (e.candidate) send({ type: "signal", call, payload: { candidate: e.candidate.toJSON() } });
  };
  pc.ontrack = (e) => {
    $("remote").srcObject = e.streams[0] || new MediaStream([e.track]);
  };
  pc.onconnectionstatechange = () => {
    $("call-state").textContent = t("clinic-media-" + pc.connectionState);
  };
  try {
    localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    $("local").srcObject = localStream;
    for (const track of localStream.getTracks()) pc.addTrack(track, localStream);
  } catch (e) {
    say("clinic-no-camera");
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.addTransceiver("video", { direction: "recvonly" });
  }
  await pc.setLocalDescription(await pc.createOffer());
  send({ type: "signal", call, payload: { sdp: pc.localDescription.toJSON() } });
}

async function onSignal(payload) {
  if (!pc) return;
  if (payload.sdp) await pc.setRemoteDescription(payload.sdp);
  if (payload.candidate) await pc.addIceCandidate(payload.candidate);
}

function endMedia() {
  if (pc) pc.close();
  pc = null;
  if (localStream) for (const track of localStream.getTracks()) track.stop();
  localStream = null;
  $("remote").srcObject = null;
  $("local").srcObject = null;
}

function handle(m) {
  switch (m.type) {
    case "welcome":
      $("login").hidden = true;
      $("desk").hidden = false;
      $("who").textContent = `${m.doctor} · ${m.group}`;
      break;
    case "refused":
      sessionStorage.removeItem("clinic-token");
      $("desk").hidden = true;
      $("login").hidden = false;
      $("login-error").textContent = t("clinic-session-ended");
      break;
    case "queue":
      showQueue(m.calls);
      break;
    case "accepted":
      current = { id: m.call };
      $("call").hidden = false;
      $("queue").hidden = true;
      $("call-station").textContent = m.station;
      $("call-resident").textContent = m.resident;
      $("vitals").tBodies[0].replaceChildren();
      vitalsRows($("vitals").tBodies[0], m.vitals);
      $("notes").value = "";
      $("rx").tBodies[0].replaceChildren();
      addDrugRow();
      startMedia(m.call);
      break;
    case "vitals":
      vitalsRows($("vitals").tBodies[0], m.vitals);
      break;
    case "signal":
      onSignal(m.payload);
      break;
    case "saved":
      say("clinic-saved-" + m.what);
      break;
    case "station_away":
      $("call-state").textContent = t("clinic-station-away");
      break;
    case "station_back":
      $("call-state").textContent = t("clinic-station-back");
      break;
    case "ended":
      endMedia();
      current = null;
      $("call").hidden = true;
      $("queue").hidden = false;
      say("clinic-ended-" + m.reason.replaceAll("_", "-"));
      break;
    case "error":
      say("clinic-error-" + m.code.replaceAll("_", "-"));
      break;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  await loadWords();
  $("login-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("add-drug").addEventListener("click", addDrugRow);
  $("send-rx").addEventListener("click", sendPrescription);
  $("save-notes").addEventListener("click", () => {
    if (current) send({ type: "notes", call: current.id, text: $("notes").value });
  });
  $("hang-up").addEventListener("click", () => {
    if (current) send({ type: "hangup", call: current.id });
  });
  const token = sessionStorage.getItem("clinic-token");
  if (token) connect(token);
});
