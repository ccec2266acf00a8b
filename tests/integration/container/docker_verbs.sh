#!/bin/bash
# Docker's everyday verbs beside a container's life: version, info, system info|df|prune, diff,
# history, images, rmi, container VERB, image ls -q; oracles: uname, jq over -j, the files.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
command -v jq >/dev/null || { skip "docker verbs" "no jq"; exit 0; }
tar -C "$R" -cf "$T/r.tar" . && h image import "$T/r.tar" --name vb >/dev/null || not_ok "import"
on_exit "h rm -f dv dead >/dev/null 2>&1"

# version, info
is "version --format '{{.Server.KernelVersion}}' = uname -r" \
	"$(h version --format '{{.Server.KernelVersion}}')" "$(uname -r)"
is "version -j: Client.Version = hako -V's" "$(h -j version | jq -r .Client.Version)" \
	"$("$HAKO" -V | grep -o '[0-9][0-9.]*' | head -1)"
is "version: Docker's two parts" "$(h version | grep -c '^Client:\|^Server:')" 2
check_fail "version --bogus" 2 "unknown option '--bogus'" h version --bogus
h run -d --name dv vb sleep 300 >/dev/null || not_ok "run -d"
h run --name dead --rootfs "$R" -- true >/dev/null 2>&1
is "info: Containers / Running / Stopped / Images (-j)" \
	"$(h -j info | jq -c '[.Containers, .ContainersRunning, .ContainersStopped, .Images]')" "[2,1,1,1]"
is "system info --format '{{.NCPU}}' = nproc" "$(h system info --format '{{.NCPU}}')" "$(nproc)"
is "info (human): Containers line" "$(h info | head -1)" "Containers: 2"

is "stats --no-stream: one sample of the running one" "$(h stats --no-stream | awk 'NR > 1 {print $2}')" dv
check_fail "stats --bogus" 2 "unknown option '--bogus'" h stats --bogus
h run -d --name dvm -m 64m vb sleep 300 >/dev/null && on_exit "h rm -f dvm >/dev/null 2>&1"
is "stats --format (Docker's keys): Name, the limit in MemUsage, PIDs as -j's" \
	"$(h stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' dvm | sed 's/^dvm [^ ]* \//dvm/')" \
	"dvm 64MiB $(h -j stats dvm | jq -r '.[0].pids')"
is "stats --format 'table {{.Name}}\t{{.CPUPerc}}': Docker's titles" \
	"$(h stats --no-stream --format 'table {{.Name}}\t{{.CPUPerc}}\t{{.MemPerc}}' dvm | head -1 | tr -s ' ')" "NAME CPU % MEM %"
is "stats --format json: CPUPerc and MemPerc as Docker prints them (N.NN%)" \
	"$(h stats --no-stream --format json dvm | jq -r '[.CPUPerc, .MemPerc] | map(test("^[0-9]+\\.[0-9]{2}%$")) | all')" true
h rm -f dvm >/dev/null

# diff: exactly what the container changed
h exec dv sh -c 'echo n >/newfile; rm /bin/cat; mkdir /etc/newdir; echo y >>/etc/passwd'
is "diff: A, C, D, sorted; hako's /etc binds left out" "$(h diff dv | tr '\n' ' ')" \
	"C /bin D /bin/cat C /etc A /etc/newdir C /etc/passwd A /newfile "
is "diff -j" "$(h -j diff dv | jq -c '[.[] | select(.path == "/newfile")]')" \
	'[{"kind":"A","path":"/newfile"}]'
check_fail "diff of a --rootfs container: nothing to compare with" 2 "not made of an image" \
	h diff dead
check_fail "diff of an unknown container" 5 "no such container" h diff nosuch

# create IMAGE: the container is the image's from the start (ps, inspect), and rmi refuses it
h create --name dcr vb echo made >/dev/null || not_ok "create vb"
vbid=$(h image inspect vb | jq -r '.[0].id')
is "create: ps names the image, inspect has its id" \
	"$(h ps -a --filter name=dcr --format '{{.Image}}') $(h inspect -f '{{.Image}}' dcr)" "vb:latest $vbid"
check_fail "rmi of the image of a created container: refused" 1 "used by container 'dcr'" h rmi vb
is "... and it starts from it" "$(h start -a dcr)" made
h rm dcr >/dev/null

# image inspect -f (before or after the image), image prune -f: options, never names
is "image inspect -f '{{.Id}}' vb: the id (image inspect's JSON)" "$(h image inspect -f '{{.Id}}' vb)" "$vbid"
is "image inspect vb --format '{{json .RepoTags}}'" "$(h image inspect vb --format '{{json .RepoTags}}')" '["vb:latest"]'
check_fail "image inspect --bogus vb: refused as an option" 2 "unknown option '--bogus'" h image inspect --bogus vb
is "image prune -f: accepted, the used image kept" "$(h -j image prune -f | jq .images):$(h images -q | wc -l)" "0:1"
check_fail "image prune -x: refused as an option" 2 "unknown option '-x'" h image prune -x

# verbs without options: an option-looking word is refused as an option (exit 2), never
# looked up as a container, image or network name; the object is untouched
h network create dvnet >/dev/null && on_exit "h network rm dvnet >/dev/null 2>&1"
for v in "top|dv" "diff|dv" "port|dv" "export|dv" "commit|dv x:1" "image tag|vb x:1" \
	"network inspect|dvnet" "network rm|dvnet" "network disconnect|dvnet dv"; do
	verb=${v%%|*} ops=${v#*|}
	check_fail "$verb $ops --bogus: an unknown option" 2 "unknown option '--bogus'" \
		h $verb $ops --bogus
	check_fail "$verb -x $ops: an unknown option" 2 "unknown option '-x'" h $verb -x $ops
done
is "... and nothing changed: the network, the image's one name, dv running" \
	"$(h network ls --format '{{.Name}}' | grep -c '^dvnet$') $(h images -q | wc -l) $(h inspect -f '{{.State.Status}}' dv)" \
	"1 1 running"
is "top -- dv: '--' ends the options" "$(h top -- dv | head -1 | awk '{print $1}')" PID

# images' selection (Docker's): REPOSITORY[:TAG], -f reference=GLOB, -f dangling=, --no-trunc
h image tag vb me/app:1 && h image tag vb me/app:2 && h image tag vb other:1
names() { h images "$@" --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' '; }
is "images me/app: every tag of it" "$(names me/app)" "me/app:1 me/app:2 "
is "images me/app:2" "$(names me/app:2)" "me/app:2 "
is "images -f reference='*:1'" "$(names -f 'reference=*:1')" "me/app:1 other:1 "
is "images --filter reference=me/*" "$(names --filter 'reference=me/*')" "me/app:1 me/app:2 "
is "images -f dangling=true: none (every image named)" "$(h images -q -f dangling=true | wc -l)" 0
is "images -q --no-trunc: the whole id (image inspect's)" "$(h images -q --no-trunc)" "$vbid"
check_fail "images -f bogus=1: refused, naming it" 2 "--filter 'bogus=1'" h images -f bogus=1
h rmi me/app:1 me/app:2 other:1 >/dev/null
uid=$(h image import "$T/r.tar" 2>/dev/null | tail -1)
is "images -f dangling=true -q: the untagged one only" "$(h images -q -f dangling=true)" \
	"$(h -j image ls | jq -r '.[] | select(.name == null) | .id' | cut -c1-12)"
h image prune -f >/dev/null

# docker load -i FILE and docker load < FILE
h image save -o "$T/vb.tar" vb
# (the saved config's digest: an uncompressed import's id is not kept by save, docs/parts/image.md)
lid=$(tar -xOf "$T/vb.tar" index.json | jq -r '.manifests[0].digest' | sed 's/sha256://')
lid=$(tar -xOf "$T/vb.tar" "blobs/sha256/$lid" | jq -r .config.digest)
is "image load -i FILE: the archive's image (its config's digest)" "$(h image load -i "$T/vb.tar" --name vbl:1)" "$lid"
is "image load < FILE (stdin, not a terminal)" "$(h image load --name vbl:2 <"$T/vb.tar")" "$lid"
is "... both named" "$(h images vbl --format '{{.Tag}}' | sort | tr '\n' ' ')" "1 2 "
check_fail "image import -i: import's options have no -i" 2 "unknown option '-i'" h image import -i "$T/vb.tar"
h rmi vbl:1 vbl:2 >/dev/null

# docker tag, save, load and image history at hako's top level / in its image group
check "tag vb vbt:1" h tag vb vbt:1
check "save -o FILE vbt:1" h save -o "$T/vbt.tar" vbt:1
is "save vbt:1: the archive is named vbt:1 (its ref.name), not the image's first name" \
	"$(tar -xOf "$T/vbt.tar" index.json | jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]')" vbt:1
h rmi vbt:1 >/dev/null
is "load -i FILE: the saved image back, by its name" \
	"$(h load -i "$T/vbt.tar" >/dev/null && h images vbt --format '{{.Repository}}:{{.Tag}}')" vbt:1
is "image history -q = history -q" "$(h image history -q vb)" "$(h history -q vb)"
check_fail "save --bogus: refused as an option" 2 "unknown option '--bogus'" h save --bogus
h rmi vbt:1 >/dev/null

# history, images, rmi
lsize=$(h image inspect vb | jq '.[0].layers[0].size')
is "history -j: one step, the layer's size (image inspect)" \
	"$(h -j history vb | jq -c '[length, .[0].size]')" "[1,$lsize]"
is "history -q: the image's 12 hex" "$(h history -q vb)" "$(h image inspect vb | jq -r '.[0].id' | sed 's/sha256://' | cut -c1-12)"
is "history: Docker's header" "$(h history vb | head -1 | tr -s ' ')" "IMAGE CREATED CREATED BY SIZE COMMENT"
check_fail "history of an unknown image" 5 "no such image" h history nosuch:1
is "images -q = image ls -j ids" "$(h images -q)" "$(h -j image ls | jq -r '.[].id')"
is "image ls -q" "$(h image ls -q)" "$(h images -q)"
is "images --format" "$(h images --format '{{.Repository}} {{.Tag}}')" "vb latest"
is "images --format table: IMAGE ID title" "$(h images --format 'table {{.ID}}\t{{.Repository}}' | head -1 | tr -s ' ')" "IMAGE ID REPOSITORY"

# history of an image whose config has one (two layers, an empty step between)
python3 - "$T/hist" "$R" <<'PY'
import hashlib, io, json, os, sys, tarfile
root, R = sys.argv[1], sys.argv[2]
b1 = io.BytesIO()
with tarfile.open(fileobj=b1, mode="w", format=tarfile.PAX_FORMAT) as t:
    t.add(R, arcname=".")
b2 = io.BytesIO()
with tarfile.open(fileobj=b2, mode="w", format=tarfile.PAX_FORMAT) as t:
    d = b"hello\n"; ti = tarfile.TarInfo("hello.txt"); ti.size = len(d); t.addfile(ti, io.BytesIO(d))
l1, l2 = b1.getvalue(), b2.getvalue()
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
os.makedirs(root + "/blobs/sha256")
def put(b):
    open(root + "/blobs/sha256/" + sha(b)[7:], "wb").write(b); return sha(b)
hist = [{"created": "2024-01-02T03:04:05Z", "created_by": "ADD rootfs / # base"},
        {"created": "2024-01-02T03:04:06Z", "created_by": "ENV A=1", "empty_layer": True},
        {"created": "2024-01-02T03:04:07Z", "created_by": "COPY hello.txt /", "comment": "hi"}]
cfg = json.dumps({"architecture": "amd64", "os": "linux", "created": "2024-01-02T03:04:07Z",
    "config": {"Cmd": ["sh"]}, "history": hist,
    "rootfs": {"type": "layers", "diff_ids": [sha(l1), sha(l2)]}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": put(l), "size": len(l)}
               for l in (l1, l2)]}).encode()
open(root + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(man), "size": len(man)}]}))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
h image load "$T/hist" --name hist >/dev/null 2>&1 || not_ok "image load"
sizes=$(h image inspect hist | jq -c '[.[0].layers[].size]')
is "history -j: newest first, created_by, the empty step 0 bytes, layers' sizes" \
	"$(h -j history hist | jq -c '[.[] | [.created_by, .size, .comment]]')" \
	"$(echo "$sizes" | jq -c '[["COPY hello.txt /", .[1], "hi"], ["ENV A=1", 0, null], ["ADD rootfs / # base", .[0], null]]')"
is "history: <missing> below the newest step" "$(h history hist | awk 'NR > 1 {print $1}' | tail -2 | tr '\n' ' ')" \
	"<missing> <missing> "
is "history --format '{{.CreatedAt}} {{.CreatedBy}}'" "$(h history --format '{{.CreatedAt}}|{{.CreatedBy}}' hist | tail -1)" \
	"2024-01-02T03:04:05Z|ADD rootfs / # base"
h rmi hist >/dev/null

# container VERB
is "container ls -aq = ps -aq" "$(h container ls -aq)" "$(h ps -aq)"
is "container inspect -f" "$(h container inspect -f '{{.Name}}' dv)" /dv
check_fail "container bogus" 2 "unknown verb 'bogus'" h container bogus

# container prune: stopped containers only
h run --name cp1 --rootfs "$R" -- true >/dev/null 2>&1
out=$(h container prune </dev/null 2>&1)
is "container prune without -f and no 'y': exit 1, nothing removed" "$?:$(h ps -aq | wc -l)" "1:3"
is "container prune -f -j: the two stopped ones" "$(h -j container prune -f | jq .containers)" 2
is "the running one stays" "$(h ps -a --format '{{.Names}}')" dv
h run --name dead --rootfs "$R" -- true >/dev/null 2>&1

# system df against -j and the image's size
isize=$(h image inspect vb | jq '.[0].size')
is "system df -j: Images total/active/size" \
	"$(h -j system df | jq -c '.[] | select(.type == "Images") | [.total, .active, .size]')" "[1,1,$isize]"
is "system df: Docker's header" "$(h system df | head -1 | tr -s ' ')" "TYPE TOTAL ACTIVE SIZE RECLAIMABLE"

# system prune: refused without an answer, then -f removes the stopped container only
before=$(h ps -aq | sort)
out=$(h system prune </dev/null 2>&1)
is "prune without -f and no 'y': exit 1, nothing removed" "$?:$(h ps -aq | sort)" "1:$before"
echo y | h system prune >/dev/null 2>&1
is "prune, answered y: the stopped container is gone, the running one stays" \
	"$(h ps -a --format '{{.Names}}')" dv
h run --name dead2 --rootfs "$R" -- true >/dev/null 2>&1
is "prune -f -j: one container" "$(h -j system prune -f | jq .containers)" 1
is "the image a container uses is kept by prune -a" "$(h -j system prune -af | jq .images):$(h images -q | wc -l)" "0:1"
h rm -f dv >/dev/null
is "prune -af: the unused image goes" "$(h -j system prune -af | jq .images):$(h images -q | wc -l)" "1:0"
check_fail "rmi of a missing image" 5 "no such image" h rmi vb
h image import "$T/r.tar" --name vb2 >/dev/null
out=$(h rmi -f vb2 2>&1)
is "rmi -f IMAGE: removed, no complaint about -f (exit 0)" "$?:$out:$(h images -q | wc -l)" "0::0"
check_fail "rmi --bogus: refused as an option, nothing removed" 2 "unknown option '--bogus'" h rmi --bogus vb2
