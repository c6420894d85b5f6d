// Offline schema validation of rendered Kubernetes manifests: every object is checked against the Kubernetes API
// schemas shipped in the npm package kubernetes-models (required fields, types, formats, enums). Custom resources of
// the operators the production overlay uses are not in those schemas: they are listed below, checked for the fields
// every object needs, and reported as skipped, with the reason. Usage: node validate.mjs FILE.yaml [...]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);

// Custom resources: their CRDs come with the operators (RabbitMQ Cluster Operator, CloudNativePG), not with Kubernetes.
const customResources = new Map([
  ["rabbitmq.com/v1beta1", "RabbitMQ Cluster Operator CRD (installed with the operator; schema not in the Kubernetes API)"],
  ["postgresql.cnpg.io/v1", "CloudNativePG CRD (installed with the operator; schema not in the Kubernetes API)"],
]);

let failed = 0, validated = 0, skipped = 0;
const objects = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) { console.log(`FAIL ${file}: YAML ${doc.errors[0].message}`); failed++; continue; }
    const object = doc.toJS();
    if (object === null) continue;
    const name = `${file}: ${object.kind}/${object.metadata?.name}`;
    objects.push(object);
    if (!object.apiVersion || !object.kind || !object.metadata?.name) {
      console.log(`FAIL ${name}: apiVersion, kind and metadata.name are required`); failed++; continue;
    }
    if (customResources.has(object.apiVersion)) {
      if (typeof object.spec !== "object" || object.spec === null) { console.log(`FAIL ${name}: spec missing`); failed++; continue; }
      console.log(`SKIP ${name} (${object.apiVersion}): ${customResources.get(object.apiVersion)}`);
      skipped++; continue;
    }
    const group = object.apiVersion.includes("/") ? object.apiVersion : `v1/${object.apiVersion}`.replace(/^v1\/v1$/, "v1");
    let Model;
    try {
      Model = require(`kubernetes-models/${group}/${object.kind}`)[object.kind];
    } catch {
      console.log(`FAIL ${name}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`); failed++; continue;
    }
    // kustomize wraps long base64 values over lines; the API server's decoder (Go's base64) skips line breaks.
    if (object.kind === "Secret" && object.data)
      for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/\s+/g, "");
    try {
      new Model(object).validate();
      validated++;
    } catch (error) {
      console.log(`FAIL ${name}: ${error.message}`); failed++;
    }
  }
}
// The hub's own rules for its manifests (docs/operations.md, "Kubernetes").
const policy = (ok, message) => { if (!ok) { console.log(`FAIL policy: ${message}`); failed++; } };
const deployments = objects.filter(o => o.kind === "Deployment");
policy(deployments.length > 0, "no Deployment rendered");
for (const d of deployments) {
  const name = d.metadata.name;
  policy((d.spec.replicas ?? 1) >= 2, `Deployment/${name} has fewer than 2 replicas`);
  for (const c of d.spec.template.spec.containers) {
    for (const probe of ["readinessProbe", "livenessProbe"])
      policy(c[probe]?.httpGet?.path === "/health", `Deployment/${name} container ${c.name} has no ${probe} on /health`);
    policy(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory,
      `Deployment/${name} container ${c.name} lacks resource requests or a memory limit`);
  }
  const labels = d.spec.selector.matchLabels;
  policy(objects.some(o => o.kind === "PodDisruptionBudget" &&
      Object.entries(o.spec.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v)),
    `Deployment/${name} has no PodDisruptionBudget`);
}
for (const i of objects.filter(o => o.kind === "Ingress"))
  for (const rule of i.spec.rules ?? [])
    for (const path of rule.http?.paths ?? [])
      policy(path.backend?.service?.name === "gateway", `Ingress/${i.metadata.name} exposes ${path.backend?.service?.name}: only the gateway may be exposed`);
policy(objects.some(o => o.kind === "NetworkPolicy" && Object.keys(o.spec.podSelector ?? {}).length === 0 &&
    (o.spec.policyTypes ?? []).includes("Ingress") && (o.spec.policyTypes ?? []).includes("Egress") && !o.spec.ingress && !o.spec.egress),
  "no default-deny NetworkPolicy");
policy(!objects.some(o => o.kind === "Service" && ["LoadBalancer", "NodePort"].includes(o.spec?.type)),
  "a Service other than through the Ingress is exposed (LoadBalancer/NodePort)");
console.log(`validated ${validated}, skipped ${skipped} custom resources, failed ${failed}`);
process.exit(failed > 0 || validated === 0 ? 1 : 0);
