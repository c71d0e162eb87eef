"""`pip install huaweicloudsdkcore==3.1.219`, then `python sdk_vectors.py > sdk-vectors-typed.json`.

Runs the vendor signer of huaweicloudsdkcore 3.1.219 on fixed inputs; writes vectors in the
format of shared/testdata/sdk-hmac-sha256-vectors.json."""
import copy, hashlib, json, sys
import huaweicloudsdkcore
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest

AK = "AKTESTEXAMPLE0000001"
SK = "SKtestexample/secret+key=0123456789abcdef"
DATE = "20250320T024806Z"
PROJECT = "0123456789abcdef0123456789abcdef"
HOST = "imetal.eu-de.otc.t-systems.com"

def vector(name, note, method, path, query, headers, body=None, security_token=None):
    headers = dict(headers)
    headers.setdefault("X-Sdk-Date", DATE)
    headers = {"X-Sdk-Date": headers.pop("X-Sdk-Date"), **headers}
    inputs_headers = dict(headers)
    body_bytes = body.encode() if isinstance(body, str) else body
    req = SdkRequest(method=method, schema="https", host=HOST, resource_path=path,
                     query_params=copy.deepcopy(query), header_params=dict(headers), body=body)
    cred = BasicCredentials(AK, SK, PROJECT)
    if security_token:
        cred = cred.with_security_token(security_token)
    # Capture the canonical request and string to sign as the signer computes them.
    from huaweicloudsdkcore.signer import signer as s
    captured = {}
    orig_cr = s.Signer._process_canonical_request
    orig_sts = s.Signer._process_string_to_sign
    def cr(self, r, sh):
        out = orig_cr(self, r, sh); captured["cr"] = out; captured["sh"] = ";".join(sh); return out
    def sts(self, c, t):
        out = orig_sts(self, c, t); captured["sts"] = out; return out
    s.Signer._process_canonical_request = cr
    s.Signer._process_string_to_sign = sts
    try:
        out = cred.sign_request(req)
    finally:
        s.Signer._process_canonical_request = orig_cr
        s.Signer._process_string_to_sign = orig_sts
    sent = dict(out.header_params)
    auth = sent["Authorization"]
    inputs = {
        "method": method, "scheme": "https", "host": HOST, "path_template": path,
        "path_params": {}, "project_id": PROJECT, "resource_path": path,
        "query_params": query, "headers": inputs_headers,
        "body": None if body_bytes is None else {
            "hex": body_bytes.hex(), "sha256": hashlib.sha256(body_bytes).hexdigest(),
            **({"utf8": body_bytes.decode()} if _utf8(body_bytes) else {})},
        "ak": AK, "sk": SK, "date": DATE, "date_preset_in_headers": True,
        "via": "BasicCredentials.sign_request",
    }
    if security_token:
        inputs["security_token"] = security_token
    return {
        "name": name, "note": note, "inputs": inputs,
        "outputs": {
            "uri": out.uri, "url": "https://" + HOST + out.uri, "headers": sent,
            "added_headers": {k: v for k, v in sent.items() if k not in inputs_headers},
            "changed_headers": {k: v for k, v in sent.items() if k in inputs_headers and inputs_headers[k] != v},
            "authorization": auth, "signed_headers": captured["sh"],
            "canonical_request": captured["cr"], "string_to_sign": captured["sts"],
            "signature": auth.rsplit("Signature=", 1)[1],
        },
    }

def _utf8(b):
    try:
        b.decode(); return True
    except UnicodeDecodeError:
        return False

JSON = {"Content-Type": "application/json"}
vectors = [
    vector("get_repeated_integer_query", "repeated values of one key, typed: integers sort numerically (1, 2, 10), strings by code point ('10' before '9'), booleans written true/false",
           "GET", f"/v1/{PROJECT}/jobs",
           [["n", 10], ["s", "9"], ["n", 1], ["flag", True], ["n", 2], ["s", "10"], ["flag", False], ["limit", 0]], JSON),
    vector("get_float_and_negative_query", "floats written as Python's str(): 1.0, 2.5, 1e-05, 1e+16; negative integers sort numerically",
           "GET", f"/v1/{PROJECT}/jobs",
           [["f", 2.5], ["f", 1.0], ["f", 1e-05], ["f", 1e16], ["m", -3], ["m", 2], ["m", -20]], JSON),
    vector("put_binary_body_unsigned_payload", "a body that is not JSON: X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD added and signed, payload hash UNSIGNED-PAYLOAD",
           "PUT", f"/v1/{PROJECT}/jobs/j-1/content", [],
           {"Content-Type": "application/octet-stream"}, body=bytes(range(256))),
    vector("post_text_body_unsigned_payload", "text/plain body: UNSIGNED-PAYLOAD",
           "POST", f"/v1/{PROJECT}/notes", [["tag", "a"]],
           {"Content-Type": "text/plain; charset=utf-8"}, body="héllo"),
    vector("post_form_body_unsigned_payload", "form body: UNSIGNED-PAYLOAD; application/json-prefixed types only are hashed",
           "POST", f"/v1/{PROJECT}/forms", [],
           {"Content-Type": "application/x-www-form-urlencoded"}, body="a=1&b=x%20y"),
    vector("post_merge_patch_json_unsigned", "application/merge-patch+json does not start with application/json: UNSIGNED-PAYLOAD",
           "PATCH", f"/v1/{PROJECT}/jobs/j-1", [],
           {"Content-Type": "application/merge-patch+json"}, body='{"a": 1}'),
    vector("delete_no_body_security_token", "bodiless DELETE with Content-Type: application/json and a security token (signed)",
           "DELETE", f"/v1/{PROJECT}/jobs/j-1", [["force", True]], JSON, security_token="sts-token-0001"),
    vector("post_octet_stream_empty_body", "a non-JSON content type without a body: the header is added and signed, the payload hash is the empty body's",
           "POST", f"/v1/{PROJECT}/uploads", [],
           {"Content-Type": "application/octet-stream"}, body=b""),
]
json.dump({
    "algorithm": "SDK-HMAC-SHA256", "ak": AK, "sk": SK, "date": DATE, "date_header": "X-Sdk-Date",
    "source": "Produced by running the vendor signer of huaweicloudsdkcore 3.1.219 (PyPI) on fixed inputs: tests/runtime/sdk_vectors.py; each vector is what that SDK signs and sends.",
    "vectors": vectors,
}, sys.stdout, indent=1, ensure_ascii=False)
