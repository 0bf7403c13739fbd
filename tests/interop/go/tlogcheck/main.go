// Command tlogcheck checks a Groundswell log written as C2SP tiles with Go's sumdb packages
// (golang.org/x/mod/sumdb/note and sumdb/tlog), an implementation Groundswell did not write.
//
// It is built in GOPATH mode against Debian's golang-golang-x-mod-dev (no module proxy needed):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o tlogcheck ./tests/interop/go/tlogcheck
//
// Usage:
//
//	tlogcheck verify -vkey VKEY -origin ORIGIN -dir DIR [-proofs PROOFS.json]
//	tlogcheck sign -skey SKEY -text TEXT_FILE
//
// verify opens DIR/checkpoint with the verifier key, reads its origin, size and root, then:
// reads the tree through tlog.TileHashReader from DIR's tiles and recomputes the root with
// tlog.TreeHash; rebuilds the whole tree in memory from the entry bundles (tlog.RecordHash,
// tlog.StoredHashesForRecordHash) and checks that it gives the same root and, tile by tile, the
// same bytes as every published tile; and checks the inclusion and consistency proofs in
// PROOFS.json with tlog.CheckRecord and tlog.CheckTree, and that Go's own proofs from the tiles
// are the same. It prints "OK: ..." lines and exits 0, or prints "FAILED: ..." and exits 1.
//
// sign signs the text with a signer key string (note.NewSigner, note.Sign) and prints the note,
// so that the Python side can check it reads Go's notes and Go reads its key strings.
//
// C2SP tile paths are Go's tlog.Tile paths without the height element ("tile/8/0/x001/234"
// becomes "tile/0/x001/234"), and entry bundles live under "tile/entries/" where Go's sumdb has
// "tile/8/data/". Entry bundles are C2SP's uint16-length-prefixed entries.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: tlogcheck verify|sign ..."))
	}
	var err error
	switch os.Args[1] {
	case "verify":
		err = verify(os.Args[2:])
	case "sign":
		err = sign(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "FAILED: %v\n", err)
	os.Exit(1)
}

func sign(args []string) error {
	flags := flag.NewFlagSet("sign", flag.ContinueOnError)
	skey := flags.String("skey", "", "signer key string")
	textFile := flags.String("text", "", "file holding the note text")
	if err := flags.Parse(args); err != nil {
		return err
	}
	text, err := os.ReadFile(*textFile)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(*skey)
	if err != nil {
		return fmt.Errorf("note.NewSigner: %v", err)
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return fmt.Errorf("note.Sign: %v", err)
	}
	_, err = os.Stdout.Write(msg)
	return err
}

type proofs struct {
	Inclusion []struct {
		Index int64       `json:"index"`
		Proof []tlog.Hash `json:"proof"`
	} `json:"inclusion"`
	Consistency []struct {
		OldSize int64       `json:"old_size"`
		OldRoot tlog.Hash   `json:"old_root"`
		Proof   []tlog.Hash `json:"proof"`
	} `json:"consistency"`
}

func verify(args []string) error {
	flags := flag.NewFlagSet("verify", flag.ContinueOnError)
	vkey := flags.String("vkey", "", "the log's verifier key string")
	origin := flags.String("origin", "", "the log's origin")
	dir := flags.String("dir", "", "directory holding checkpoint and tile/")
	proofsFile := flags.String("proofs", "", "JSON file of inclusion and consistency proofs")
	if err := flags.Parse(args); err != nil {
		return err
	}

	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("note.NewVerifier: %v", err)
	}
	msg, err := os.ReadFile(filepath.Join(*dir, "checkpoint"))
	if err != nil {
		return err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return fmt.Errorf("note.Open: %v", err)
	}
	fmt.Printf("OK: note.Open verified %d signature(s); unverified signatures: %d\n",
		len(n.Sigs), len(n.UnverifiedSigs))

	tree, extensions, err := parseCheckpoint(n.Text, *origin)
	if err != nil {
		return err
	}
	fmt.Printf("OK: checkpoint %s size %d root %s extensions %q\n", *origin, tree.N, tree.Hash, extensions)

	if tree.N == 0 {
		// tlog.TreeHash defines the empty tree's hash as zeros; RFC 6962 and C2SP as SHA-256("").
		if tree.Hash != tlog.Hash(sha256.Sum256(nil)) {
			return errors.New("an empty log's root is not SHA-256 of the empty string")
		}
		fmt.Println("OK: empty log")
		return nil
	}

	tiles := &dirTiles{dir: *dir}
	fromTiles := tlog.TileHashReader(tree, tiles)
	root, err := tlog.TreeHash(tree.N, fromTiles)
	if err != nil {
		return fmt.Errorf("tlog.TreeHash from tiles: %v", err)
	}
	if root != tree.Hash {
		return fmt.Errorf("tlog.TreeHash from tiles is %s, the checkpoint says %s", root, tree.Hash)
	}
	fmt.Printf("OK: tlog.TileHashReader + tlog.TreeHash give the checkpoint's root (%d tiles read)\n", tiles.read)

	entries, err := readEntries(*dir, tree.N)
	if err != nil {
		return err
	}
	memory, err := buildTree(entries)
	if err != nil {
		return err
	}
	root, err = tlog.TreeHash(tree.N, memory)
	if err != nil {
		return err
	}
	if root != tree.Hash {
		return fmt.Errorf("the tree Go builds from the entries has root %s, the checkpoint says %s", root, tree.Hash)
	}
	fmt.Printf("OK: the %d entries rebuild the checkpoint's root\n", len(entries))

	checked, err := compareTiles(*dir, tree.N, memory)
	if err != nil {
		return err
	}
	fmt.Printf("OK: %d published tiles equal tlog.ReadTileData of Go's tree\n", checked)

	if *proofsFile == "" {
		return nil
	}
	data, err := os.ReadFile(*proofsFile)
	if err != nil {
		return err
	}
	var given proofs
	if err := json.Unmarshal(data, &given); err != nil {
		return fmt.Errorf("%s: %v", *proofsFile, err)
	}
	for _, p := range given.Inclusion {
		if p.Index < 0 || p.Index >= int64(len(entries)) {
			return fmt.Errorf("inclusion proof for index %d outside the log", p.Index)
		}
		leaf := tlog.RecordHash(entries[p.Index])
		if err := tlog.CheckRecord(tlog.RecordProof(p.Proof), tree.N, tree.Hash, p.Index, leaf); err != nil {
			return fmt.Errorf("tlog.CheckRecord(index %d): %v", p.Index, err)
		}
		own, err := tlog.ProveRecord(tree.N, p.Index, fromTiles)
		if err != nil {
			return fmt.Errorf("tlog.ProveRecord(index %d) from tiles: %v", p.Index, err)
		}
		if !sameHashes(own, p.Proof) {
			return fmt.Errorf("Go's inclusion proof for index %d from the tiles differs from the given one", p.Index)
		}
	}
	fmt.Printf("OK: %d inclusion proofs pass tlog.CheckRecord and equal tlog.ProveRecord from tiles\n", len(given.Inclusion))
	for _, p := range given.Consistency {
		if err := tlog.CheckTree(tlog.TreeProof(p.Proof), tree.N, tree.Hash, p.OldSize, p.OldRoot); err != nil {
			return fmt.Errorf("tlog.CheckTree(from %d): %v", p.OldSize, err)
		}
		own, err := tlog.ProveTree(tree.N, p.OldSize, fromTiles)
		if err != nil {
			return fmt.Errorf("tlog.ProveTree(from %d) from tiles: %v", p.OldSize, err)
		}
		if !sameHashes(own, p.Proof) {
			return fmt.Errorf("Go's consistency proof from %d differs from the given one", p.OldSize)
		}
	}
	fmt.Printf("OK: %d consistency proofs pass tlog.CheckTree and equal tlog.ProveTree from tiles\n", len(given.Consistency))
	return nil
}

// parseCheckpoint reads a C2SP checkpoint body: origin, decimal size, base64 root, extensions.
// (tlog.ParseTree only reads the sumdb's "go.sum database tree" body.)
func parseCheckpoint(text string, origin string) (tlog.Tree, []string, error) {
	if !strings.HasSuffix(text, "\n") {
		return tlog.Tree{}, nil, errors.New("checkpoint text does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return tlog.Tree{}, nil, errors.New("checkpoint has fewer than three lines")
	}
	if lines[0] != origin {
		return tlog.Tree{}, nil, fmt.Errorf("checkpoint origin %q, expected %q", lines[0], origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return tlog.Tree{}, nil, fmt.Errorf("checkpoint size %q is not canonical decimal", lines[1])
	}
	hash, err := tlog.ParseHash(lines[2])
	if err != nil || hash.String() != lines[2] {
		return tlog.Tree{}, nil, fmt.Errorf("checkpoint root %q is not canonical base64 of 32 bytes", lines[2])
	}
	for _, line := range lines[3:] {
		if line == "" {
			return tlog.Tree{}, nil, errors.New("empty extension line")
		}
	}
	return tlog.Tree{N: size, Hash: hash}, lines[3:], nil
}

// c2spPath is Go's tile path without the height element; level -1 is the entry bundles.
func c2spPath(t tlog.Tile) string {
	path := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", tileHeight))
	if t.L == -1 {
		return "tile/entries/" + strings.TrimPrefix(path, "data/")
	}
	return "tile/" + path
}

type dirTiles struct {
	dir  string
	read int
}

func (d *dirTiles) Height() int { return tileHeight }

func (d *dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := os.ReadFile(filepath.Join(d.dir, c2spPath(t)))
		if err != nil {
			return nil, err
		}
		data[i] = b
		d.read++
	}
	return data, nil
}

func (d *dirTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// readEntries reads every entry bundle of a log of size n, C2SP framing: uint16 length, bytes.
func readEntries(dir string, n int64) ([][]byte, error) {
	var entries [][]byte
	for start := int64(0); start < n; start += 1 << tileHeight {
		width := n - start
		if width > 1<<tileHeight {
			width = 1 << tileHeight
		}
		t := tlog.Tile{H: tileHeight, L: -1, N: start >> tileHeight, W: int(width)}
		data, err := os.ReadFile(filepath.Join(dir, c2spPath(t)))
		if err != nil {
			return nil, err
		}
		count := 0
		for len(data) > 0 {
			if len(data) < 2 {
				return nil, fmt.Errorf("%s: truncated length", c2spPath(t))
			}
			size := int(binary.BigEndian.Uint16(data))
			if len(data) < 2+size {
				return nil, fmt.Errorf("%s: truncated entry", c2spPath(t))
			}
			entries = append(entries, data[2:2+size])
			data = data[2+size:]
			count++
		}
		if count != t.W {
			return nil, fmt.Errorf("%s holds %d entries, expected %d", c2spPath(t), count, t.W)
		}
	}
	return entries, nil
}

// buildTree stores every hash of the tree over the entries, as a sumdb server would.
func buildTree(entries [][]byte) (tlog.HashReaderFunc, error) {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(stored)) {
				return nil, fmt.Errorf("no stored hash %d", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, entry := range entries {
		hashes, err := tlog.StoredHashesForRecordHash(int64(i), tlog.RecordHash(entry), reader)
		if err != nil {
			return nil, err
		}
		stored = append(stored, hashes...)
	}
	return reader, nil
}

// compareTiles checks every tile of a tree of size n (full tiles, and the widest partial tile
// of each level) against tlog.ReadTileData of the tree Go built.
func compareTiles(dir string, n int64, memory tlog.HashReader) (int, error) {
	widest := map[[2]int64]tlog.Tile{}
	for _, t := range tlog.NewTiles(tileHeight, 0, n) {
		key := [2]int64{int64(t.L), t.N}
		if old, ok := widest[key]; !ok || t.W > old.W {
			widest[key] = t
		}
	}
	for _, t := range widest {
		want, err := tlog.ReadTileData(t, memory)
		if err != nil {
			return 0, err
		}
		got, err := os.ReadFile(filepath.Join(dir, c2spPath(t)))
		if err != nil {
			return 0, err
		}
		if !bytes.Equal(got, want) {
			return 0, fmt.Errorf("%s differs from tlog.ReadTileData", c2spPath(t))
		}
	}
	return len(widest), nil
}

func sameHashes(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
