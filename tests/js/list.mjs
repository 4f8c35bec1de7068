// The AWS SDK for JavaScript v3 against mockmpu's server (run by tests/test_server_js.py).
//   node list.mjs uploads BUCKET          -> JSON [{Key, UploadId}] of every page
//   node list.mjs parts BUCKET KEY ID     -> JSON [PartNumber] of every page: paginateListParts,
//                                            left when a page is not truncated
//   node list.mjs parts-as-shipped B K ID -> the PartNumberMarker of each request
//                                            paginateListParts makes by itself (at most 8),
//                                            as echoed in each page
// paginateListParts continues while NextPartNumberMarker is non-empty, and S3 sends it on the
// last page too ("0" on an empty page), so on its own it starts over (the bug other SDKs fixed
// by checking IsTruncated: aws-sdk-go-v2#1140, aws-sdk-rust#1143, aws-sdk-kotlin#928).
// The endpoint comes from AWS_ENDPOINT_URL; the SDK has no ListMultipartUploads paginator, so
// the uploads loop follows NextKeyMarker and NextUploadIdMarker, as AWS documents.
import { S3Client, ListMultipartUploadsCommand, paginateListParts } from "@aws-sdk/client-s3";

const client = new S3Client({
  endpoint: process.env.AWS_ENDPOINT_URL,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "mockmpu", secretAccessKey: "mockmpu" },
});
const [mode, bucket, key, uploadId] = process.argv.slice(2);
const out = [];
let pages = 0;
if (mode === "uploads") {
  let input = { Bucket: bucket };
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand(input));
    pages += 1;
    for (const u of page.Uploads ?? []) out.push({ Key: u.Key, UploadId: u.UploadId });
    if (!page.IsTruncated) break;
    input = { Bucket: bucket, KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
  }
} else if (mode === "parts") {
  for await (const page of paginateListParts({ client }, { Bucket: bucket, Key: key, UploadId: uploadId })) {
    pages += 1;
    for (const p of page.Parts ?? []) out.push(p.PartNumber);
    if (!page.IsTruncated) break;
  }
} else if (mode === "parts-as-shipped") {
  for await (const page of paginateListParts({ client }, { Bucket: bucket, Key: key, UploadId: uploadId })) {
    pages += 1;
    out.push(page.PartNumberMarker ?? null);
    if (pages === 8) break;
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
console.log(JSON.stringify({ pages, items: out }));
