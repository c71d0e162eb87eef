#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into fuzz/seeds/<target>/ from the repository's
fixtures (tiny files only). Rerun after changing an input format: python3 fuzz/seeds/make.py"""
import os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

def read(path):
    with open(os.path.join(ROOT, path), 'rb') as f:
        return f.read()

def write(target, name, data):
    folder = os.path.join(HERE, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)

MINIMAL = b"""openapi: 3.0.3
info: {title: Minimal, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
components:
  schemas:
    Thing: {type: object, properties: {name: {type: string}}}
"""

# generate: [format byte] text
write('generate', 'minimal-yaml', b'\x00' + MINIMAL)
write('generate', 'naming-yaml', b'\x00' + read('tests/fixtures/naming.yaml'))
write('generate', 'minimal-json', b'\x01' + b'{"openapi":"3.0.3","info":{"title":"J","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"type":"integer"}}}}}}}}}}')

# specs: [flags: folder << 4 | module output] then `name 0x01 text` records joined by 0x00
def specs(flags, files):
    return bytes([flags]) + b'\x00'.join(name + b'\x01' + text for name, text in files)

external = [(b'external.yaml', read('tests/fixtures/external.yaml')),
            (b'shared/defs.yaml', read('tests/fixtures/shared/defs.yaml'))]
write('specs', 'external', specs(0x00, external))
write('specs', 'external-newline-folder', specs(0x30, external))
write('specs', 'external-toml-folder-module', specs(0xc1, external))
write('specs', 'external-absolute', specs(0x20, external))
write('specs', 'minimal-hostile-name', specs(0x00, [(b'we"ird\n[dependencies]\nx = "1"\n\x1b[2J.yaml', MINIMAL)]))
write('specs', 'minimal-parent-name', specs(0x01, [(b'../../up/\xe2\x80\xaeevil.yaml', MINIMAL)]))

# responses: [decoder, status (2 bytes, 100 + n % 500), flags (1: request id, 2: small limits),
# request id 0x00] body
def response(decoder, status, flags, request_id, body):
    head = bytes([decoder]) + struct.pack('>H', status - 100) + bytes([flags])
    return head + (request_id + b'\x00' if flags & 1 else b'') + body

write('responses', 'list-logs-job', response(1, 200, 1, b'req-1', b'{"clusterLogRecord":[{"id":"a","clusterId":"c","createAt":1700000000,"status":"success","type":"Manual","logPath":"css/log"}],"total":1}'))
write('responses', 'error-escapes', response(10, 409, 1, b'req\t2', b'{"error_code":"CSS.0001","error_msg":"bad\\n\\u001b[31mred\\u202e"}'))
write('responses', 'error-nested', response(11, 404, 0, b'', b'{"error":{"code":404,"message":"gone \\r\\n fake: line"}}'))
write('responses', 'decode-error', response(6, 200, 2, b'', b'{"links":[{"file_name":"sec ret value!","link":7}]}'))
write('responses', 'text-429', response(9, 429, 0, b'', b'slow down\r\n'))

# content_disposition: the header value
write('content_disposition', 'plain', b'attachment; filename=SN123-dump.tar.gz')
write('content_disposition', 'extended', b"attachment; filename=\"x.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt")
write('content_disposition', 'traversal', b'attachment; filename="../../etc/passwd"')
write('content_disposition', 'quoted', b'attachment; FileName="q\\"uote; x.txt"')
write('content_disposition', 'encoded-separators', b"attachment; filename*=utf-8'en'..%2F..%5C%0Aevil")
